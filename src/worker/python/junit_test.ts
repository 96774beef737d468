import assert from "node:assert/strict";
import { parseJunit } from "./junit.ts";
import { parseXml } from "./_xml.ts";

const TESTDATA = new URL("../../../tests/testdata/python/", import.meta.url);

function read(name: string): string {
  return Deno.readTextFileSync(new URL(name, TESTDATA));
}

Deno.test("parseJunit() counts a pytest report and rebuilds node ids with classes", () => {
  const parsed = parseJunit(read("junit_xunit1.xml"));
  assert.ok(parsed.ok);
  const { failures, ...counts } = parsed.summary;
  assert.deepEqual(counts, { passed: 4, failed: 1, errors: 0, skipped: 1 });
  assert.deepEqual(failures, [{
    test: "tests/test_math.py::test_subtracts_wrongly",
    message: "AssertionError: subtraction is broken\nassert (5 - 3) == 1",
  }]);
});

Deno.test("parseJunit() reports a collection error by file with the exception named", () => {
  const parsed = parseJunit(read("junit_collection_error.xml"));
  assert.ok(parsed.ok);
  assert.equal(parsed.summary.errors, 1);
  assert.equal(parsed.summary.passed, 0);
  assert.deepEqual(parsed.summary.failures, [{
    test: "test_broken.py",
    message: "collection failure: ModuleNotFoundError: No module named 'nonexistent_mod'",
  }]);
});

Deno.test("parseJunit() maps a class inside a package to file::Class::name", () => {
  const xml = `<testsuite><testcase classname="pkg.sub.test_x.TestA.TestInner"
    name="test_p[a-b]" file="pkg/sub/test_x.py"><error message="failed on setup"/></testcase>
    <testcase classname="legacy.Thing" name="test_y"/></testsuite>`;
  const parsed = parseJunit(xml);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.summary.failures, [{
    test: "pkg/sub/test_x.py::TestA::TestInner::test_p[a-b]",
    message: "failed on setup",
  }]);
  assert.equal(parsed.summary.passed, 1);
});

Deno.test("parseJunit() refuses documents that are not JUnit reports", () => {
  const parsed = parseJunit("<html><body/></html>");
  assert.equal(parsed.ok, false);
});

Deno.test("parseXml() refuses DOCTYPE so no entity is ever expanded", () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <testsuite><testcase name="&x;"/></testsuite>`;
  const parsed = parseXml(xxe);
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.reason, /declarations are not allowed/);
  const undefinedEntity = parseXml(`<a b="&x;"/>`);
  assert.equal(undefinedEntity.ok, false);
});

Deno.test("parseXml() decodes predefined and numeric entities, CDATA and comments", () => {
  const parsed = parseXml(
    `<?xml version="1.0"?><!-- c --><a k='&lt;&#65;&#x42;&amp;'>x<![CDATA[<raw>]]><!-- c -->y<b/></a>`,
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.root.attrs.k, "<AB&");
  assert.equal(parsed.root.text, "x<raw>y");
  assert.equal(parsed.root.children[0]?.name, "b");
});

Deno.test("parseXml() refuses malformed input and deep nesting", () => {
  for (const bad of ["<a>", "<a></b>", "<a x=1/>", "<a/><b/>", "text", "<a>&</a>"]) {
    assert.equal(parseXml(bad).ok, false, bad);
  }
  assert.equal(parseXml("<a>".repeat(100) + "</a>".repeat(100)).ok, false);
});
