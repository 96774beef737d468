import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { compileGlob } from "./glob.ts";

function check(pattern: string, yes: string[], no: string[]): void {
  const match = compileGlob(pattern);
  for (const s of yes) assert.ok(match(s), `${pattern} should match ${s}`);
  for (const s of no) assert.ok(!match(s), `${pattern} should not match ${s}`);
}

Deno.test("compileGlob() * stays within one path segment", () => {
  check("*.py", ["a.py", ".py", ".hidden.py"], ["a.txt", "d/a.py", "a.pyc"]);
  check("src/*", ["src/a", "src/.x"], ["src", "src/a/b", "lib/a"]);
});

Deno.test("compileGlob() ** crosses segments and **/ may match no directory", () => {
  check("**/*.py", ["a.py", "d/a.py", "d/e/f.py"], ["a.txt", "d/a.txt"]);
  check("src/**", ["src/a", "src/a/b"], ["lib/a"]);
  check("a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb", "b"]);
  check("**", ["", "a", "a/b/c"], []);
});

Deno.test("compileGlob() supports ?, character sets, ranges, negation and escapes", () => {
  check("?.txt", ["a.txt"], ["ab.txt", "/.txt"]);
  check("[abc].md", ["a.md", "c.md"], ["d.md", "ab.md"]);
  check("file[0-9]", ["file0", "file9"], ["filex", "file"]);
  check("[!a]*", ["b", "bcd"], ["a", "abc"]);
  check("[^a]", ["z"], ["a"]);
  check("[]]", ["]"], ["a"]);
  check("\\*.txt", ["*.txt"], ["a.txt"]);
  check("[unclosed", ["[unclosed"], ["u"]);
  check("é*", ["été"], ["ete"]);
});

Deno.test("compileGlob() stays fast on patterns that make a RegExp backtrack", () => {
  const match = compileGlob("*a*a*a*a*a*a*a*a*a*a*b");
  const subject = "a".repeat(4000);
  const started = performance.now();
  assert.equal(match(subject), false);
  assert.ok(performance.now() - started < 2000, "linear-time matching");
});

Deno.test("compileGlob() refuses over-long patterns with INVALID_ARGUMENT", () => {
  assert.throws(
    () => compileGlob("*".repeat(2000)),
    (e) => e instanceof CodegenError && e.code === "INVALID_ARGUMENT",
  );
});

Deno.test("compileGlob() ranges compare code points, not UTF-16 units", () => {
  const wide = compileGlob("[\uE000-\u{1F600}]");
  assert.ok(wide("\uF000"));
  assert.ok(wide("\u{1F600}"));
  assert.ok(!wide("a"));
  const astral = compileGlob("[\uFFFF-\u{10FFFF}]");
  assert.ok(astral("\u{1F601}"));
  assert.ok(!astral("\uE000"));
  const not = compileGlob("[!\u{1F600}-\u{1F602}]");
  assert.ok(!not("\u{1F601}"));
  assert.ok(not("\uF000"));
});
