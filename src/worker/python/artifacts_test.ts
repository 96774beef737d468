import assert from "node:assert/strict";
import type { RunPythonResult, TaskOutcome, TaskRequest } from "../../rpc/mod.ts";
import { ignoreUnless, skipReason } from "../../../tests/support/python_sessions.ts";
import { withExecutor } from "../_testing.ts";

const ignore = ignoreUnless("Artifacts across calls", await skipReason({}));

/** Runs `fn` against a real executor with session "s" created. */
function withSession(
  fn: (exec: (task: TaskRequest) => Promise<TaskOutcome>, workspace: string) => Promise<void>,
): Promise<void> {
  return withExecutor(async (executor, root) => {
    await executor.createSession("s");
    await fn((task) => executor.execute("s", task), `${root}/sessions/s`);
  });
}

function artifacts(outcome: TaskOutcome): RunPythonResult["artifacts"] {
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.error.message);
  return (outcome.result as RunPythonResult).artifacts;
}

for (const stateful of [false, true]) {
  Deno.test({
    name: `run.python${
      stateful ? " (stateful)" : ""
    } reports only its own changes, call after call`,
    ignore,
    fn: () =>
      withSession(async (exec) => {
        const run = (code: string) => exec({ tool: "run.python", args: { code, stateful } });
        assert.deepEqual(artifacts(await run("open('a.txt', 'w').write('1')")), [
          { path: "a.txt", size_bytes: 1, change: "created" },
        ]);
        assert.deepEqual(artifacts(await run("print(open('a.txt').read())")), []);
        // a file written by another tool between two runs is not the second run's doing
        await exec({ tool: "fs.write", args: { path: "b.txt", contents: "22" } });
        assert.deepEqual(artifacts(await run("open('a.txt', 'a').write('2')")), [
          { path: "a.txt", size_bytes: 2, change: "modified" },
        ]);
        await exec({ tool: "fs.delete", args: { path: "a.txt" } });
        assert.deepEqual(artifacts(await run("open('a.txt', 'w').write('333')")), [
          { path: "a.txt", size_bytes: 3, change: "created" },
        ]);
      }),
  });
}

Deno.test({
  name: "a stateful call reports what a thread it left running wrote after it returned",
  ignore,
  fn: () =>
    withSession(async (exec, workspace) => {
      const run = (code: string) => exec({ tool: "run.python", args: { code, stateful: true } });
      const started = await run(
        "import threading, time\n" +
          "def later():\n    time.sleep(0.2)\n    open('late.txt', 'w').write('late')\n" +
          "threading.Thread(target=later).start()",
      );
      assert.deepEqual(artifacts(started), []);
      for (let i = 0; i < 100; i++) {
        try {
          if ((await Deno.readTextFile(`${workspace}/late.txt`)) === "late") break;
        } catch { /* not yet */ }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // the next call starts from the snapshot the previous one ended with
      assert.deepEqual(artifacts(await run("pass")), [
        { path: "late.txt", size_bytes: 4, change: "created" },
      ]);
      assert.deepEqual(artifacts(await run("pass")), []);
    }),
});

Deno.test({
  name: "run.python finds artifacts anywhere in a workspace of more than MAX_LIST_ENTRIES entries",
  ignore,
  fn: () =>
    withSession(async (exec, workspace) => {
      // the default MAX_LIST_ENTRIES is 10,000: these 10,500 files used to end the walk
      await Deno.mkdir(`${workspace}/data`);
      for (let i = 0; i < 10_500; i++) {
        await Deno.writeFile(`${workspace}/data/${i}`, new Uint8Array());
      }
      await Deno.mkdir(`${workspace}/aa`);
      await Deno.mkdir(`${workspace}/zz`);
      const run = (code: string) => exec({ tool: "run.python", args: { code } });
      const first = await run(
        "for p in ('aa/new.txt', 'zz/new.txt', 'top.txt'): open(p, 'w').write('1')",
      );
      assert.deepEqual(artifacts(first), [
        { path: "aa/new.txt", size_bytes: 1, change: "created" },
        { path: "top.txt", size_bytes: 1, change: "created" },
        { path: "zz/new.txt", size_bytes: 1, change: "created" },
      ]);
      assert.equal((first as { result: RunPythonResult }).result.artifacts_truncated, undefined);
      assert.deepEqual(artifacts(await run("open('aa/new.txt', 'a').write('22')")), [
        { path: "aa/new.txt", size_bytes: 3, change: "modified" },
      ]);
    }),
});

Deno.test({
  name: "run.python says artifacts_truncated when more files changed than a result lists",
  ignore,
  fn: () =>
    withSession(async (exec) => {
      const code = "import os\nos.mkdir('many')\n" +
        "for i in range(1001): open(f'many/{i:04d}', 'w').close()";
      const outcome = await exec({ tool: "run.python", args: { code } });
      assert.equal(artifacts(outcome).length, 1_000);
      assert.equal((outcome as { result: RunPythonResult }).result.artifacts_truncated, true);
    }),
});
