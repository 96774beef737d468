import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestArguments, digestValue } from "./digest.ts";

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
