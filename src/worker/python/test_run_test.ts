import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  callTool,
  createPythonSessions,
  ignoreUnless,
  type PythonSession,
  skipReason,
} from "../../../tests/support/python_sessions.ts";
import { createSandboxRunner } from "../sandbox/mod.ts";
import type { SandboxRunner } from "../sandbox/runner.ts";
import { pkgInstall } from "./pkg_install.ts";
import { refusingRunner } from "./_testing.ts";
import { testRun } from "./test_run.ts";

const FIXTURE = new URL("../../../tests/testdata/python/pytest_project/", import.meta.url);
const ignore = ignoreUnless("test.run sandbox", await skipReason({ pytest: true }));

async function copyInto(from: URL, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) {
      await Deno.mkdir(`${to}/${entry.name}`, { recursive: true });
      await copyInto(new URL(`${entry.name}/`, from), `${to}/${entry.name}`);
    } else if (entry.isFile) {
      await Deno.copyFile(new URL(entry.name, from), `${to}/${entry.name}`);
    }
  }
}

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    out.push(`${prefix}${entry.name}`);
    if (entry.isDirectory) {
      out.push(...await listTree(`${dir}/${entry.name}`, `${prefix}${entry.name}/`));
    }
  }
  return out.sort();
}

async function projectSession(
  id: string,
  sessions: Awaited<ReturnType<typeof createPythonSessions>>,
) {
  const session = await sessions.session(id);
  await copyInto(FIXTURE, session.ctx.workspace);
  return session;
}

function run(session: PythonSession, runner: SandboxRunner, args: Parameters<typeof testRun>[1]) {
  return testRun(session.ctx, args, { runner });
}

Deno.test({
  name: "testRun() counts the fixture's results and names the failing test with its message",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await projectSession("t", sessions);
    const before = await listTree(s.ctx.workspace);
    const runner = createSandboxRunner({ insecureNoSandbox: false });

    const outcome = await run(s, runner, {});
    assert.ok(outcome.ok);
    const { failures, output_tail, duration_ms, ...counts } = outcome.result;
    assert.deepEqual(counts, { passed: 4, failed: 1, errors: 0, skipped: 1, exit_code: 1 });
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.test, "tests/test_math.py::test_subtracts_wrongly");
    assert.match(failures[0]?.message ?? "", /subtraction is broken/);
    assert.equal(outcome.is_error, true);
    assert.equal(outcome.error_text, "TESTS_FAILED: 1 failed, 0 errors, 4 passed, 1 skipped");
    assert.match(output_tail, /1 failed, 4 passed, 1 skipped/);
    assert.ok(duration_ms > 0);
    assert.ok(s.events.some((e) => e.type === "log" && /test_math\.py/.test(e.data)));

    // nothing was written into the workspace (no report, cache or bytecode) and the
    // per-run report directory is gone
    assert.deepEqual(await listTree(s.ctx.workspace), before);
    assert.deepEqual(await listTree(s.ctx.stateDir), []);
  },
});

Deno.test({
  name: "testRun() narrows to a file, a node id or a -k expression",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await projectSession("t", sessions);
    const runner = createSandboxRunner({ insecureNoSandbox: false });

    const file = await run(s, runner, { path: "tests/test_strings.py" });
    assert.ok(file.ok);
    assert.equal(file.is_error, undefined);
    assert.equal(file.result.passed, 1);
    assert.equal(file.result.exit_code, 0);

    const nodeId = await run(s, runner, { path: "tests/test_math.py::TestGroup", args: ["-q"] });
    assert.ok(nodeId.ok);
    assert.deepEqual([nodeId.result.passed, nodeId.result.failed], [2, 0]);

    const k = await run(s, runner, { args: ["-k", "adds or upper", "-p", "no:warnings"] });
    assert.ok(k.ok);
    assert.deepEqual([k.result.passed, k.result.failed, k.result.skipped], [2, 0, 0]);
  },
});

Deno.test({
  name: "testRun() says when no tests were collected and flags collection errors",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    await Deno.mkdir(`${s.ctx.workspace}/empty`);
    const empty = await run(s, runner, { path: "empty" });
    assert.ok(empty.ok);
    assert.equal(empty.is_error, undefined);
    assert.equal(empty.result.exit_code, 5);
    assert.equal(empty.result.passed + empty.result.failed, 0);
    assert.match(empty.result.output_tail, /^No tests were collected/);

    await Deno.writeTextFile(`${s.ctx.workspace}/test_broken.py`, "import nonexistent_mod\n");
    const broken = await run(s, runner, { path: "test_broken.py" });
    assert.ok(broken.ok);
    assert.equal(broken.is_error, true);
    assert.equal(broken.result.exit_code, 2);
    assert.equal(broken.result.errors, 1);
    assert.match(broken.error_text ?? "", /^TEST_RUN_FAILED: pytest exited with code 2/);
    assert.deepEqual(broken.result.failures.map((f) => f.test), ["test_broken.py"]);
    assert.match(broken.result.failures[0]?.message ?? "", /No module named 'nonexistent_mod'/);
  },
});

Deno.test({
  name: "testRun() fails a run whose pytest ended without its report, even with exit code 0",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    // four failures, then a test that ends the process before pytest can write its report
    await Deno.writeTextFile(
      `${s.ctx.workspace}/test_exits.py`,
      "import os\n\n" +
        [1, 2, 3, 4].map((i) => `def test_fails_${i}():\n    assert False\n\n`).join("") +
        "def test_zz_exits():\n    print('leaving now', flush=True)\n    os._exit(0)\n",
    );
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const outcome = await run(s, runner, { args: ["-s"] });
    assert.ok(outcome.ok);
    assert.equal(outcome.result.exit_code, 0);
    assert.equal(outcome.is_error, true, "no report is not a success");
    assert.equal(
      outcome.error_text,
      "TEST_RUN_FAILED: pytest exited with code 0 without a readable report " +
        "(a test may have ended the process)",
    );
    assert.match(outcome.result.output_tail, /leaving now/);
  },
});

Deno.test({
  name: "testRun() tells a test's os._exit(137) from a test process killed by SIGKILL",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const endings = [
      ["os._exit(137)", "TEST_RUN_FAILED: pytest exited with code 137"],
      [
        "os.kill(os.getpid(), signal.SIGKILL)",
        "TEST_RUN_FAILED: pytest exited with code 137 (killed by SIGKILL)",
      ],
    ];
    for (const [end, text] of endings) {
      await Deno.writeTextFile(
        `${s.ctx.workspace}/test_ends.py`,
        `import os, signal\n\ndef test_ends():\n    ${end}\n`,
      );
      const outcome = await run(s, runner, {});
      assert.ok(outcome.ok);
      assert.equal(outcome.result.exit_code, 137);
      assert.equal(outcome.error_text, text);
    }
  },
});

Deno.test({
  name: "testRun() stops a run at timeout_seconds and reports TIMEOUT",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    await Deno.writeTextFile(
      `${s.ctx.workspace}/test_slow.py`,
      "import time\n\ndef test_slow():\n    time.sleep(60)\n",
    );
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const outcome = await run(s, runner, { timeout_seconds: 1 });
    assert.ok(outcome.ok);
    assert.equal(outcome.is_error, true);
    assert.equal(outcome.error_text, "TIMEOUT: pytest did not finish within 1 s");
    assert.ok(outcome.result.duration_ms < 30_000);
  },
});

Deno.test({
  name: "testRun() runs in the session's venv once pkg.install created it",
  ignore,
  async fn() {
    await using index = await startPypiIndex([{ name: "demo-pkg", version: "3.1.4" }]);
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    await Deno.writeTextFile(
      `${s.ctx.workspace}/test_uses_pkg.py`,
      'import demo_pkg\n\ndef test_value():\n    assert demo_pkg.VALUE == "demo-pkg 3.1.4"\n',
    );
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const before = await run(s, runner, {});
    assert.ok(before.ok);
    assert.equal(before.result.errors, 1, "demo_pkg is not importable before the install");

    const installed = await pkgInstall(s.ctx, { packages: ["demo-pkg"] }, {
      runner,
      pipIndexUrl: index.url,
    });
    assert.ok(installed.ok && !installed.is_error);
    const after = await run(s, runner, {});
    assert.ok(after.ok);
    assert.deepEqual([after.result.passed, after.result.errors, after.is_error], [1, 0, undefined]);
  },
});

Deno.test({
  name: "testRun() keeps the end of the output in output_tail past OUTPUT_LIMIT",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    s.ctx.limits = { ...s.ctx.limits, outputLimitBytes: 20_000 };
    await Deno.mkdir(`${s.ctx.workspace}/t`);
    await Deno.writeTextFile(
      `${s.ctx.workspace}/t/test_loud.py`,
      "def test_loud():\n" +
        "    for i in range(3000):\n" +
        "        print(f'line {i:04d}')\n" +
        "    assert False, 'the end is here'\n",
    );
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const outcome = await run(s, runner, { path: "t", args: ["-s"] });
    assert.ok(outcome.ok);
    assert.equal(outcome.result.failed, 1);
    const tail = outcome.result.output_tail;
    // the failure report and pytest's summary come after all 3000 lines
    assert.match(tail, /the end is here/);
    assert.match(tail, /1 failed in [\d.]+s/);
    assert.doesNotMatch(tail, /line 1305\n/);
  },
});

Deno.test("testRun() refuses unsafe options and paths before starting anything", async () => {
  await using sessions = await createPythonSessions();
  const s = await sessions.session("t");
  await Deno.symlink("/etc", `${s.ctx.workspace}/escape`);
  const runner = refusingRunner();
  const refused: [Parameters<typeof testRun>[1], string][] = [
    [{ args: ["--junitxml=/workspace/x.xml"] }, "INVALID_ARGUMENT"],
    [{ args: ["-c", "/etc/pytest.ini"] }, "INVALID_ARGUMENT"],
    [{ args: ["-p", "evil_plugin"] }, "INVALID_ARGUMENT"],
    [{ args: ["-k", "--rootdir=/"] }, "INVALID_ARGUMENT"],
    [{ args: ["/etc"] }, "INVALID_ARGUMENT"],
    [{ timeout_seconds: 100_000 }, "INVALID_ARGUMENT"],
    [{ path: "../other" }, "PATH_VIOLATION"],
    [{ path: "/etc" }, "PATH_VIOLATION"],
    [{ path: "escape" }, "PATH_VIOLATION"],
    [{ path: "missing_dir" }, "NOT_FOUND"],
  ];
  for (const [args, code] of refused) {
    const outcome = await callTool(() => testRun(s.ctx, args, { runner }));
    assert.equal(outcome.ok, false, JSON.stringify(args));
    if (!outcome.ok) assert.equal(outcome.error.code, code, outcome.error.message);
  }
  assert.equal(runner.started, 0);
});

Deno.test({
  name: "testRun() returns CANCELLED when the task is aborted mid-run",
  ignore,
  async fn() {
    await using sessions = await createPythonSessions();
    const s = await sessions.session("t");
    await Deno.writeTextFile(
      `${s.ctx.workspace}/test_slow.py`,
      "import time\n\ndef test_slow():\n    time.sleep(60)\n",
    );
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    // cancel as soon as pytest reports that it started, so the kill hits a live run
    const ctx = {
      ...s.ctx,
      emit: (e: (typeof s.events)[number]) => {
        if (e.type === "log" && /test session starts/.test(e.data)) s.cancel();
      },
    };
    const started = performance.now();
    const outcome = await testRun(ctx, { timeout_seconds: 120 }, { runner });
    assert.deepEqual(outcome, {
      ok: false,
      error: { code: "CANCELLED", message: "test.run was cancelled", retriable: false },
    });
    assert.ok(performance.now() - started < 30_000);
    assert.deepEqual(await listTree(s.ctx.stateDir), []);
  },
});
