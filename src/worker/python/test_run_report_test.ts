import assert from "node:assert/strict";
import {
  createPythonSessions,
  ignoreUnless,
  skipReason,
} from "../../../tests/support/python_sessions.ts";
import { createSandboxRunner } from "../sandbox/mod.ts";
import { testRun } from "./test_run.ts";

const ignore = ignoreUnless("test.run sandbox", await skipReason({ pytest: true }));

/** A conftest.py that rewrites pytest's report, once pytest wrote it, with `body` (Python). */
function rewritingConftest(body: string): string {
  return "import atexit\n\ndef _rewrite():\n" +
    `    open('/run-out/junit.xml', 'w').write(${body})\n\n` +
    "atexit.register(_rewrite)\n";
}

async function runWith(conftest: string) {
  await using sessions = await createPythonSessions();
  const s = await sessions.session("t");
  await Deno.writeTextFile(`${s.ctx.workspace}/conftest.py`, conftest);
  await Deno.writeTextFile(
    `${s.ctx.workspace}/test_a.py`,
    "def test_fails():\n    assert 1 == 2\n",
  );
  const runner = createSandboxRunner({ insecureNoSandbox: false });
  const outcome = await testRun(s.ctx, {}, { runner });
  assert.ok(outcome.ok);
  return outcome;
}

Deno.test({
  name: "testRun() ignores a report rewritten past its size bound and goes by pytest's exit code",
  ignore,
  async fn() {
    const outcome = await runWith(rewritingConftest(
      "'<testsuites><testsuite>' + '<testcase/>' * 900000 + '</testsuite></testsuites>'",
    ));
    assert.equal(outcome.result.exit_code, 1);
    assert.equal(outcome.result.passed, 0, "none of the forged testcases is counted");
    assert.equal(outcome.is_error, true);
    assert.equal(
      outcome.error_text,
      "TEST_RUN_FAILED: pytest exited with code 1; the JUnit report was ignored: it is larger " +
        "than 8 MiB (a test may have rewritten it)",
    );
    assert.match(outcome.result.output_tail, /^The JUnit report was ignored: it is larger/);
  },
});

Deno.test({
  name: "testRun() ignores a report rewritten with too many elements, however small",
  ignore,
  async fn() {
    const outcome = await runWith(rewritingConftest(
      "'<testsuites><testsuite>' + '<testcase/>' * 150000 + '</testsuite></testsuites>'",
    ));
    assert.equal(outcome.result.passed, 0);
    assert.equal(
      outcome.error_text,
      "TEST_RUN_FAILED: pytest exited with code 1; the JUnit report was ignored: it holds more " +
        "than 100000 elements (a test may have rewritten it)",
    );
  },
});

Deno.test({
  name: "testRun() fails a run by pytest's exit code when a rewritten report says all passed",
  ignore,
  async fn() {
    const outcome = await runWith(rewritingConftest(
      `'<testsuites><testsuite><testcase classname="x" name="ok"/></testsuite></testsuites>'`,
    ));
    assert.equal(outcome.is_error, true);
    assert.equal(
      outcome.error_text,
      "TESTS_FAILED: pytest exited with code 1 (tests failed), but its report says 0 failed, " +
        "0 errors, 1 passed, 0 skipped (a test may have rewritten it)",
    );
  },
});
