import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import { checkRelativePath, pathViolation, quotePath, requireRelativePath } from "./mod.ts";

function normalized(path: string): string {
  const check = checkRelativePath(path);
  assert.ok(check.ok, `expected ${quotePath(path)} to be accepted`);
  return check.normalized;
}

function reason(path: string, options = {}): string {
  const check = checkRelativePath(path, options);
  assert.ok(!check.ok, `expected ${quotePath(path)} to be refused`);
  return check.reason;
}

Deno.test("checkRelativePath() normalizes harmless forms", () => {
  assert.equal(normalized("a/./b"), "a/b");
  assert.equal(normalized("a//b/"), "a/b");
  assert.equal(normalized("a/../b"), "b");
  assert.equal(normalized("./x.py"), "x.py");
  assert.equal(normalized("."), ".");
  assert.equal(normalized("a/.."), ".");
});

Deno.test("checkRelativePath() accepts names that only look like dot segments", () => {
  for (const name of ["..foo", "foo..", ".hidden", "...", "a/..b/c", "%2e%2e/x", "ünï/código.py"]) {
    const check = checkRelativePath(name);
    assert.ok(check.ok, name);
    assert.deepEqual(check.segments, name.split("/"));
  }
});

Deno.test("checkRelativePath() refuses every path that climbs above the root", () => {
  for (const path of ["..", "../x", "a/../../x", "./..", "a/b/../../../c", "a/../.."]) {
    assert.equal(reason(path), "path leaves the workspace");
  }
});

Deno.test("checkRelativePath() refuses absolute and Windows-style paths", () => {
  assert.equal(
    reason("/etc/passwd"),
    'path is absolute: give it relative to the workspace root, as "src/main.py"',
  );
  assert.equal(
    reason("//server/share"),
    'path is absolute: give it relative to the workspace root, as "src/main.py"',
  );
  assert.equal(reason("C:\\Windows"), "path contains a backslash: separate directories with /");
  assert.equal(
    reason("\\\\server\\share"),
    "path contains a backslash: separate directories with /",
  );
  assert.equal(reason("a\\..\\..\\x"), "path contains a backslash: separate directories with /");
  assert.equal(
    reason("C:/Windows"),
    'path starts with a drive letter: give it relative to the workspace root, as "src/main.py"',
  );
  assert.equal(
    reason("c:"),
    'path starts with a drive letter: give it relative to the workspace root, as "src/main.py"',
  );
  assert.equal(
    reason("./d:/x"),
    'path starts with a drive letter: give it relative to the workspace root, as "src/main.py"',
  );
  assert.ok(checkRelativePath("notes:today.txt").ok);
  assert.ok(checkRelativePath("c:notes.txt").ok, "a name that only starts like a drive");
  assert.ok(checkRelativePath("x:1").ok);
});

Deno.test("checkRelativePath() refuses empty paths, control characters and broken Unicode", () => {
  assert.equal(reason(""), "path is empty");
  assert.equal(reason(42 as unknown as string), "path is not a string");
  assert.equal(quotePath(undefined as unknown as string), '"undefined"');
  assert.equal(reason("a\u0000b"), "path contains a control character");
  assert.equal(reason("a\nb"), "path contains a control character");
  assert.equal(reason("a\u007fb"), "path contains a control character");
  assert.equal(reason("a\uD800b"), "path is not valid Unicode");
});

Deno.test("checkRelativePath() refuses over-long paths and segments", () => {
  assert.ok(checkRelativePath("a".repeat(255)).ok);
  assert.match(reason("a".repeat(256)), /segment is longer than 255 bytes/);
  // 128 two-byte characters are 256 bytes
  assert.match(reason("é".repeat(128)), /segment is longer than 255 bytes/);
  const long = Array.from({ length: 21 }, () => "b".repeat(200)).join("/");
  assert.match(reason(long), /longer than 4096 bytes/);
  assert.match(reason("abcdef", { maxBytes: 5 }), /longer than 5 bytes/);
});

Deno.test("checkRelativePath() refuses the root only when told to", () => {
  assert.equal(reason(".", { allowRoot: false }), "path names the workspace root");
  assert.equal(reason("a/..", { allowRoot: false }), "path names the workspace root");
  assert.ok(checkRelativePath("a", { allowRoot: false }).ok);
});

Deno.test("pathViolation() quotes the path safely and reads as CODE: message", () => {
  const err = pathViolation("../x", "path leaves the workspace");
  assert.ok(err instanceof CodegenError);
  assert.equal(err.code, "PATH_VIOLATION");
  assert.equal(err.message, 'Cannot use "../x": path leaves the workspace');
  assert.equal(String(err), 'PATH_VIOLATION: Cannot use "../x": path leaves the workspace');
  assert.equal(quotePath('a"\u0000\n'), '"a\\"\\u0000\\n"');
  const quoted = quotePath("x".repeat(10_000));
  assert.ok(quoted.length < 210);
  assert.ok(quoted.endsWith('..."'));
});

Deno.test("requireRelativePath() throws PATH_VIOLATION for a refused path", () => {
  assert.deepEqual(requireRelativePath("a/b"), { normalized: "a/b", segments: ["a", "b"] });
  assert.throws(
    () => requireRelativePath("/etc/passwd"),
    (e) => e instanceof CodegenError && e.code === "PATH_VIOLATION",
  );
});
