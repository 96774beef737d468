/**
 * Turns pytest's JUnit XML report (`--junitxml`, family xunit1) into counts and failure
 * details. Test ids are rebuilt in pytest's node-id form, `tests/test_a.py::TestX::test_y`,
 * so a client can pass them straight back as `path`.
 * @module
 */
import { parseXml, type XmlElement } from "./_xml.ts";

/** Most failures reported one by one; the counts still cover all. */
export const MAX_REPORTED_FAILURES = 100;
/** Longest failure message kept, in characters. */
export const MAX_FAILURE_MESSAGE_CHARS = 2000;

/** What a JUnit report says. */
export interface JunitSummary {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** Failed and errored tests in report order, at most {@link MAX_REPORTED_FAILURES}. */
  failures: { test: string; message: string }[];
}

/** The summary, or why the report could not be read (`tooLarge`: too many elements). */
export type JunitParse =
  | { ok: true; summary: JunitSummary }
  | { ok: false; reason: string; tooLarge?: true };

/** Summarizes a report: one count per `<failure>`, `<error>`, `<skipped>`, else passed. */
export function parseJunit(xml: string): JunitParse {
  const parsed = parseXml(xml);
  if (!parsed.ok) return parsed;
  const root = parsed.root;
  if (root.name !== "testsuites" && root.name !== "testsuite") {
    return { ok: false, reason: `unexpected root element <${root.name}>` };
  }
  const summary: JunitSummary = { passed: 0, failed: 0, errors: 0, skipped: 0, failures: [] };
  for (const testcase of testcases(root)) {
    let outcome = false;
    for (const child of testcase.children) {
      if (child.name === "failure") summary.failed++;
      else if (child.name === "error") summary.errors++;
      else if (child.name === "skipped") summary.skipped++;
      else continue;
      outcome = true;
      if (child.name !== "skipped" && summary.failures.length < MAX_REPORTED_FAILURES) {
        summary.failures.push({ test: testId(testcase), message: failureMessage(child) });
      }
    }
    if (!outcome) summary.passed++;
  }
  return { ok: true, summary };
}

function* testcases(el: XmlElement): Generator<XmlElement> {
  for (const child of el.children) {
    if (child.name === "testcase") yield child;
    else if (child.name === "testsuite") yield* testcases(child);
  }
}

/**
 * Rebuilds the node id. pytest writes `classname` as the module path with `/` → `.` plus
 * any classes, and (xunit1) `file` as the module's path, which tells the two apart.
 */
export function testId(testcase: XmlElement): string {
  const { classname = "", name = "", file } = testcase.attrs;
  if (classname === "") return file ?? name; // a module that failed to collect
  if (file?.endsWith(".py")) {
    const module = file.slice(0, -3).replaceAll("/", ".");
    if (classname === module) return `${file}::${name}`;
    if (classname.startsWith(`${module}.`)) {
      return `${file}::${classname.slice(module.length + 1).replaceAll(".", "::")}::${name}`;
    }
  }
  return `${classname}::${name}`;
}

function failureMessage(el: XmlElement): string {
  const attr = el.attrs.message?.trim() ?? "";
  const last = el.text.trim().split("\n").at(-1) ?? "";
  // pytest ends a traceback with "E   <exception>"; it explains a generic attribute such
  // as "collection failure".
  const exception = /^E\s+(.+)$/.exec(last)?.[1]?.trim() ?? "";
  let message = attr;
  if (attr === "") message = exception || last.trim();
  else if (exception && !attr.includes(exception)) message = `${attr}: ${exception}`;
  return message.length > MAX_FAILURE_MESSAGE_CHARS
    ? `${message.slice(0, MAX_FAILURE_MESSAGE_CHARS)}...`
    : message;
}
