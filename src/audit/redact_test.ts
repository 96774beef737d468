import assert from "node:assert/strict";
import { redactArgs, redactUrl } from "./redact.ts";

Deno.test("redactUrl() keeps scheme, host and path, and drops credentials, query values and fragment", () => {
  assert.equal(
    redactUrl("https://pypi.example.invalid/simple/?token=s3cretQS"),
    "https://pypi.example.invalid/simple/?token=[redacted]",
  );
  assert.equal(
    redactUrl("https://u:pw@h.example:8443/a/b?x=1&y=&s3cret#frag"),
    "https://h.example:8443/a/b?x=[redacted]&y=[redacted]&[redacted]#[redacted]",
  );
  assert.equal(redactUrl("https://pypi.org/simple"), "https://pypi.org/simple");
});

Deno.test("redactUrl() treats text that is not a URL with a host by its shape", () => {
  assert.equal(redactUrl("bob:pw@host/simple?key=abc#x"), "host/simple?key=[redacted]#[redacted]");
  assert.equal(redactUrl("host/simple#tok"), "host/simple#[redacted]");
  assert.equal(redactUrl("host/simple"), "host/simple");
});

Deno.test("redactArgs() redacts the values of options named like secrets, whatever their case", () => {
  const args = [
    "--password=s3cretARG",
    "--api-token=t",
    "-ClientSecret=s",
    "API_KEY=k",
    "--verbose",
    "x=1",
    "--name=alice",
    "plain",
  ];
  assert.deepEqual(redactArgs(args), [
    "--password=[redacted]",
    "--api-token=[redacted]",
    "-ClientSecret=[redacted]",
    "API_KEY=[redacted]",
    "--verbose",
    "x=1",
    "--name=alice",
    "plain",
  ]);
});

Deno.test("redactArgs() redacts the argument after a bare secret option unless it is an option", () => {
  assert.deepEqual(
    redactArgs(["--password", "s3cret", "--token", "--verbose", "file.txt"]),
    ["--password", "[redacted]", "--token", "--verbose", "file.txt"],
  );
  assert.deepEqual(redactArgs(["--auth"]), ["--auth"]);
});

Deno.test("redactArgs() redacts URLs given alone or as an option's value", () => {
  assert.deepEqual(
    redactArgs(["https://u:p@h.example/x?sig=abc", "--index-url=https://u:p@h.example/simple/"]),
    ["https://h.example/x?sig=[redacted]", "--index-url=https://h.example/simple/"],
  );
});

Deno.test("redactArgs() knows pass, pwd, bearer and cookie options, header lines and bearer tokens", () => {
  assert.deepEqual(
    redactArgs([
      "--pass=s3cret1",
      "DB_PASS=s3cret2",
      "--pwd=s3cret3",
      "--bearer=s3cret4",
      "--cookie",
      "s3cret5",
      "Authorization: Bearer s3cret6",
      "X-Api-Key: s3cret7",
      "Bearer s3cret8",
      "--header=Authorization: Basic s3cret9",
      "--passes=3",
      "Accept: json",
    ]),
    [
      "--pass=[redacted]",
      "DB_PASS=[redacted]",
      "--pwd=[redacted]",
      "--bearer=[redacted]",
      "--cookie",
      "[redacted]",
      "Authorization: [redacted]",
      "X-Api-Key: [redacted]",
      "Bearer [redacted]",
      "--header=Authorization: [redacted]",
      "--passes=3",
      "Accept: json",
    ],
  );
});

Deno.test("redactArgs() keeps no list or object entry, which no tool accepts", () => {
  assert.deepEqual(
    redactArgs([["--token=s3cretA"], { a: "s3cretB" }, 5, true, null, "x"]),
    ["[redacted]", "[redacted]", 5, true, null, "x"],
  );
});

Deno.test("redactArgs() redacts a secret header line with no space after its colon, and a passphrase", () => {
  assert.deepEqual(
    redactArgs(["Authorization:s3cret1", "X-Api-Key:s3cret2", "-H", "Cookie:s3cret3"]),
    ["Authorization: [redacted]", "X-Api-Key: [redacted]", "-H", "Cookie: [redacted]"],
  );
  assert.deepEqual(redactArgs(["--passphrase=s3cret4", "--passphrase", "s3cret5"]), [
    "--passphrase=[redacted]",
    "--passphrase",
    "[redacted]",
  ]);
  assert.deepEqual(redactArgs(["C:x", "a:b", "https://h.example/"]), [
    "C:x",
    "a:b",
    "https://h.example/",
  ]);
});

Deno.test("redactUrl() drops a password holding /, ? or # (which ends a parser's authority early)", () => {
  const cases: [string, string][] = [
    ["https://user:ab/cd@host.example/simple", "https://host.example/simple"],
    ["s3://AKIAEXAMPLE:wJalr/K7MDENG/bPxRfi@bucket/key", "s3://bucket/key"],
    ["postgres://user:p/ss@db.example/x", "postgres://db.example/x"],
    ["redis://:pa/ss@cache.example:6379/0", "redis://cache.example:6379/0"],
    ["https://user:ab?cd@host.example/", "https://host.example/"],
    ["https://user:ab#cd@host.example/", "https://host.example/"],
    [
      "https://a:b@h1.example/ https://c:SECOND@h2.example/",
      "https://h1.example/ https://h2.example/",
    ],
  ];
  for (const [url, want] of cases) assert.equal(redactUrl(url), want, url);
});

Deno.test("redactArgs() finds URLs among words and in shapes without ://", () => {
  assert.deepEqual(
    redactArgs([
      "https:user:pass@host.example/",
      "//user:pass@host.example/simple",
      "mirror https://u:SECRET@a.example/ and https://v:OTHER@b.example/x?t=1",
      "user@example.com",
    ]),
    [
      "https://host.example/",
      "//host.example/simple",
      "mirror https://a.example/ and https://b.example/x?t=[redacted]",
      "user@example.com",
    ],
  );
});

Deno.test("redactArgs() knows pass_word, pw and jwt options and a Token credential", () => {
  assert.deepEqual(
    redactArgs(["--pass_word=a", "--pass-word=b", "--pw=c", "--jwt=d", "Token e", "--pwr=1"]),
    [
      "--pass_word=[redacted]",
      "--pass-word=[redacted]",
      "--pw=[redacted]",
      "--jwt=[redacted]",
      "Token [redacted]",
      "--pwr=1",
    ],
  );
});
