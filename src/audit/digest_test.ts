import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sampleEvent } from "./_testing.ts";
import { EMPTY_HEAD } from "./chain.ts";
import { sealLine } from "./chain_writer.ts";
import { digestArguments, digestValue } from "./digest.ts";
import { MAX_RECORD_BYTES } from "./event.ts";

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

Deno.test("digestArguments() keeps paths and small options in clear", () => {
  const args = {
    path: "src/a.py",
    file: "main.py",
    encoding: "utf-8",
    offset: 10,
    length: 20,
    recursive: true,
    pattern: "*.py",
    timeout_seconds: 30,
    stateful: false,
    async: true,
    upgrade: true,
    no_deps: false,
    packages: ["numpy==2.0", "pandas"],
    task_id: "t-1",
    create_dirs: true,
    append: false,
  };
  assert.deepEqual(digestArguments("any", args), args);
  // fs.list's name and resources/list's cursor, a path longer than unknown strings may be
  const after = { after: `${"d/".repeat(200)}last.txt` };
  assert.deepEqual(digestArguments("resources/list", after), after);
});

Deno.test("digestArguments() replaces code, contents, stdin and message with sha256 and bytes", () => {
  const out = digestArguments("run.python", {
    code: "print('hi')",
    contents: "é",
    stdin: "",
    message: "hello",
  });
  assert.deepEqual(out, {
    code: { sha256: sha("print('hi')"), bytes: 11 },
    contents: { sha256: sha("é"), bytes: 2 },
    stdin: { sha256: sha(""), bytes: 0 },
    message: { sha256: sha("hello"), bytes: 5 },
  });
});

Deno.test("digestArguments() keeps only the names of env variables, sorted", () => {
  const out = digestArguments("run.python", { env: { B_VAR: "secret-b", A_VAR: "secret-a" } });
  assert.deepEqual(out, { env: ["A_VAR", "B_VAR"] });
  assert.deepEqual(digestArguments("run.python", { env: "X=1" }), { env: "[redacted]" });
});

Deno.test("digestArguments() keeps args but digests each string over 256 bytes", () => {
  const long = "x".repeat(257);
  const out = digestArguments("run.python", { args: ["-v", "y".repeat(256), long, 3] });
  assert.deepEqual(out, { args: ["-v", "y".repeat(256), { sha256: sha(long), bytes: 257 }, 3] });
});

Deno.test("digestArguments() removes user and password from index_url", () => {
  const out = digestArguments("pkg.install", {
    index_url: "https://alice:s3cret@pypi.example.com/simple/",
  });
  assert.deepEqual(out, { index_url: "https://pypi.example.com/simple/" });
  const plain = digestArguments("pkg.install", { index_url: "https://pypi.org/simple" });
  assert.deepEqual(plain, { index_url: "https://pypi.org/simple" });
  const odd = digestArguments("pkg.install", { index_url: "bob:pw@host/simple" });
  assert.deepEqual(odd, { index_url: "host/simple" });
});

Deno.test("digestArguments() keeps index_url's host and path but not its query or fragment values", () => {
  const out = digestArguments("pkg.install", {
    index_url: "https://pypi.example.invalid/simple/?token=s3cretQS#also-s3cret",
  });
  assert.deepEqual(out, {
    index_url: "https://pypi.example.invalid/simple/?token=[redacted]#[redacted]",
  });
});

Deno.test("digestArguments() redacts secret-named option values in args, for every tool", () => {
  for (const tool of ["run.python", "test.run"]) {
    const out = digestArguments(tool, { args: ["--password=s3cretARG", "--token", "t0k", "-v"] });
    assert.deepEqual(out, { args: ["--password=[redacted]", "--token", "[redacted]", "-v"] });
  }
});

Deno.test("digestArguments() keeps packages but not the credentials or secret options in them", () => {
  // refused by pkg.install, but audited as sent: a direct URL or an index option
  const out = digestArguments("pkg.install", {
    packages: [
      "numpy==2.0",
      "pkg @ https://alice:s3cretPKG@wheels.example/pkg-1.0-py3-none-any.whl?sig=s3cretSIG",
      "--index-url=https://bob:s3cretIDX@pypi.example/simple",
      "--extra-index-url https://carol:s3cretEXTRA@pypi.example/simple",
      "--password=s3cretOPT",
    ],
  });
  assert.deepEqual(out, {
    packages: [
      "numpy==2.0",
      "pkg @ https://wheels.example/pkg-1.0-py3-none-any.whl?sig=[redacted]",
      "--index-url=https://pypi.example/simple",
      "--extra-index-url https://pypi.example/simple",
      "--password=[redacted]",
    ],
  });
  const one = digestArguments("pkg.install", { packages: "x @ https://dave:s3cret@h/x.whl" });
  assert.deepEqual(one, { packages: "x @ https://h/x.whl" });
});

Deno.test("digestArguments() keeps no secret in arguments the input schema refuses", () => {
  // a refused call is audited with its arguments as sent: any shape, under any key
  const out = digestArguments("run.python", {
    args: [["--token=s3cretA"]],
    packages: { a: "https://u:s3cretB@h.example/x.whl" },
    dsn: "postgres://u:s3cretC@db.example/app",
    opts: { mirror: ["https://u:s3cretD@h.example/simple?sig=s3cretE"] },
  });
  assert.deepEqual(out, {
    args: ["[redacted]"],
    dsn: "postgres://db.example/app",
    opts: { mirror: ["https://h.example/simple?sig=[redacted]"] },
    packages: "[redacted]",
  });
  assert.deepEqual(digestArguments("test.run", { args: { a: "--password=s3cretF" } }), {
    args: "[redacted]",
  });
});

Deno.test("digestArguments() redacts unknown keys named like secrets, in any case", () => {
  const out = digestArguments("x", {
    api_token: "t",
    Client_SECRET: "s",
    password: "p",
    passwd: "p",
    apiKey: "k",
    Authorization: "Bearer z",
    credentials: { user: "u" },
    label: "ok",
  });
  assert.deepEqual(out, {
    api_token: "[redacted]",
    Client_SECRET: "[redacted]",
    password: "[redacted]",
    passwd: "[redacted]",
    apiKey: "[redacted]",
    Authorization: "[redacted]",
    credentials: "[redacted]",
    label: "ok",
  });
});

Deno.test("digestArguments() digests long strings of unknown keys and walks nested data", () => {
  const long = "z".repeat(300);
  const out = digestArguments("x", {
    note: long,
    short: "fine",
    count: 3,
    headers: { Authorization: "Bearer z", accept: "json", body: long },
  });
  assert.deepEqual(out, {
    note: { sha256: sha(long), bytes: 300 },
    short: "fine",
    count: 3,
    headers: { Authorization: "[redacted]", accept: "json", body: digestValue(long) },
  });
});

Deno.test("digestArguments() digests a clear value longer than any real path", () => {
  const huge = "a/".repeat(3000);
  assert.deepEqual(digestArguments("fs.read", { path: huge }), { path: digestValue(huge) });
});

Deno.test("digestArguments() digests data nested deeper than it walks", () => {
  let deep: unknown = "leaf";
  for (let i = 0; i < 20; i++) deep = { d: deep };
  const out = JSON.stringify(digestArguments("x", { deep }));
  assert.match(out, /"sha256":"[0-9a-f]{64}"/);
  assert.ok(!out.includes("leaf"));
});

Deno.test("digestValue() hashes non-strings as JSON and bytes as themselves", () => {
  assert.deepEqual(digestValue({ a: 1 }), { sha256: sha('{"a":1}'), bytes: 7 });
  assert.deepEqual(digestValue(new TextEncoder().encode("hi")), { sha256: sha("hi"), bytes: 2 });
});

Deno.test("digestArguments() digests env names and object keys over 256 bytes", () => {
  const name = "X".repeat(1_200_000);
  const env = digestArguments("run.python", { env: { [name]: "v", PATH: "/bin" } });
  assert.deepEqual(env, { env: ["PATH", digestValue(name)] });
  const key = "k".repeat(257);
  const standIn = `[key sha256=${sha(key)} bytes=257]`;
  const nested = digestArguments("x", { options: { [key]: "v", ["k".repeat(256)]: 1 } });
  assert.deepEqual(nested, { options: { [standIn]: "v", ["k".repeat(256)]: 1 } });
  assert.deepEqual(digestArguments("x", { [key]: 2 }), { [standIn]: 2 });
  // named like a secret: still redacted under its stand-in
  assert.deepEqual(digestArguments("x", { o: { [`token${key}`]: "s3cret" } }), {
    o: { [`[key sha256=${sha(`token${key}`)} bytes=262]`]: "[redacted]" },
  });
});

Deno.test("digestArguments() digests a field, or all arguments, that many keys or items make too large", () => {
  const many = Object.fromEntries(
    Array.from({ length: 20_000 }, (_, i) => [`k${i}`, "v".repeat(200)]),
  );
  const field = digestArguments("x", { path: "a.txt", options: many });
  assert.deepEqual(Object.keys(field), ["options", "path"]);
  assert.equal(field.path, "a.txt");
  assert.match(JSON.stringify(field.options), /^\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}$/);
  const url = digestArguments("pkg.install", { index_url: "https://h/" + "p".repeat(100_000) });
  assert.match(JSON.stringify(url.index_url), /^\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}$/);
  const whole = digestArguments("x", many);
  assert.deepEqual(Object.keys(whole), ["[digest]"]);
  assert.match(JSON.stringify(whole), /^\{"\[digest\]":\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}\}$/);
});

Deno.test("a record of arguments with huge keys, many keys or deep nesting stays under MAX_RECORD_BYTES", () => {
  let deep: unknown = "leaf";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`key${i}`, i]));
  const cases: Record<string, unknown>[] = [
    { env: { ["X".repeat(1_200_000)]: "v" }, code: "print(1)" },
    { options: { ["k".repeat(1_200_000)]: 1 } },
    { ["k".repeat(1_200_000)]: 1 },
    { args: Array.from({ length: 20_000 }, () => "a".repeat(256)) },
    { options: wide },
    wide,
    { deep },
  ];
  for (const args of cases) {
    const event = sampleEvent(1, {
      tool: "run.python",
      arguments: digestArguments("run.python", args),
    });
    const sealed = sealLine(EMPTY_HEAD, event, "2026-01-01T00:00:00.000Z");
    assert.ok(sealed.bytesAtMost <= MAX_RECORD_BYTES);
  }
});

Deno.test("digestArguments() gives strings under unknown keys the same redaction as args", () => {
  const out = digestArguments("run.python", {
    headers: ["Authorization: Bearer s3cret1", "Accept: json"],
    options: { extra: "--password=s3cret2", note: "Bearer s3cret3" },
    dsn: "postgres://u:s3cret4@db.example/x",
  });
  assert.doesNotMatch(JSON.stringify(out), /s3cret/);
  assert.deepEqual(out.headers, ["Authorization: [redacted]", "Accept: json"]);
  assert.deepEqual(out.options, { extra: "--password=[redacted]", note: "Bearer [redacted]" });
  assert.equal(out.dsn, "postgres://db.example/x");
});

Deno.test("digestArguments() digests an object or list too wide to walk as one", () => {
  const wide = (token: string) =>
    Object.fromEntries([
      ...Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i] as const),
      ["api_token", token],
    ]);
  const top = digestArguments("x", wide("one"));
  assert.deepEqual(Object.keys(top), ["[digest]"]);
  assert.notDeepEqual(top, digestArguments("x", wide("two")), "digested as sent, like code");
  const nested = digestArguments("x", {
    path: "a",
    options: wide("one"),
    list: new Array(5_000),
    args: new Array(5_000).fill("--token=x"),
  });
  assert.equal(nested.path, "a");
  assert.match(JSON.stringify(nested.options), /^\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}$/);
  assert.match(JSON.stringify(nested.list), /^\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}$/);
  assert.match(JSON.stringify(nested.args), /^\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}$/);
  // just under the width, each entry is still walked (and a secret redacted in clear)
  const narrow = digestArguments("x", { options: { a: 1, password: "p" } });
  assert.deepEqual(narrow, { options: { a: 1, password: "[redacted]" } });
});
