import assert from "node:assert/strict";
import { ignoreUnless, skipReason } from "../../tests/support/python_sessions.ts";
import { LimitsSchema } from "../config/mod.ts";
import type { TaskOutcome, TaskRequest } from "../rpc/mod.ts";
import { withExecutor } from "./_testing.ts";
import type { CodegenError } from "../core/mod.ts";
import { refuseOverLimit } from "./workspace_quota.ts";
import type { SessionUsage } from "./workspace_usage.ts";

const MiB = 1024 * 1024;
const sandboxed = ignoreUnless("workspace limit sandbox", await skipReason({ pytest: true }));

function codeOf(outcome: TaskOutcome): string {
  return outcome.ok ? (outcome.is_error ? "is_error" : "ok") : outcome.error.code;
}

const RUNS: TaskRequest[] = [
  { tool: "run.python", args: { code: "print(1)" } },
  { tool: "test.run", args: {} },
  { tool: "pkg.install", args: { packages: ["six"] } },
];

Deno.test("run.python, test.run and pkg.install refuse to start while the workspace is over MAX_WORKSPACE_BYTES; fs.delete lifts it", () =>
  withExecutor(async (executor, root) => {
    const write = await executor.execute("s1", {
      tool: "fs.write",
      args: { path: "a.txt", contents: "x".repeat(60) },
    });
    assert.ok(write.ok);
    // grown behind the worker's back, then seen by a complete walk (session.info's)
    await Deno.writeTextFile(`${root}/sessions/s1/big.txt`, "y".repeat(90));
    assert.ok((await executor.execute("s1", { tool: "workspace.stats", args: {} })).ok);
    for (const task of RUNS) {
      const refused = await executor.execute("s1", task);
      assert.deepEqual(refused, {
        ok: false,
        error: {
          code: "LIMIT_EXCEEDED",
          message: `Cannot start ${task.tool}: the workspace holds 150 bytes, over its limit of ` +
            "100 (MAX_WORKSPACE_BYTES); delete files with fs.delete to make room",
          retriable: false,
        },
      });
    }
    const deleted = await executor.execute("s1", { tool: "fs.delete", args: { path: "big.txt" } });
    assert.ok(deleted.ok);
    // no longer refused for its size (it runs, or has no sandbox here)
    const again = await executor.execute("s1", RUNS[0]!);
    assert.notEqual(codeOf(again), "LIMIT_EXCEEDED");
  }, { limits: LimitsSchema.parse({ maxWorkspaceBytes: 100 }) }));

Deno.test({
  name:
    "a run.python that leaves the workspace over its limit says so in its result, and the next run is refused",
  ignore: sandboxed,
  fn: () =>
    withExecutor(async (executor) => {
      const grow = "open('big.bin', 'wb').write(b'x' * 2 * 1024 * 1024)\nprint('done')";
      const ran = await executor.execute("s1", { tool: "run.python", args: { code: grow } });
      assert.ok(ran.ok && ran.is_error, JSON.stringify(ran));
      assert.equal(
        ran.error_text,
        `LIMIT_EXCEEDED: The run left the workspace holding ${2 * MiB} bytes, over its limit of ` +
          `${MiB} (MAX_WORKSPACE_BYTES); run.python, test.run and pkg.install are refused until ` +
          "files are deleted (fs.delete)",
      );
      assert.equal((ran.result as { stdout: string }).stdout, "done\n", "the full result is kept");
      const next = await executor.execute("s1", { tool: "run.python", args: { code: "1" } });
      assert.equal(codeOf(next), "LIMIT_EXCEEDED");
      // a run that also fails keeps its own code first
      await executor.execute("s1", { tool: "fs.delete", args: { path: "big.bin" } });
      const failing = `${grow}\nraise SystemExit(3)`;
      const both = await executor.execute("s1", { tool: "run.python", args: { code: failing } });
      assert.ok(both.ok);
      assert.match(
        both.error_text ?? "",
        /^EXIT_CODE: Python exited with code 3\nLIMIT_EXCEEDED: /,
      );
      await executor.execute("s1", { tool: "fs.delete", args: { path: "big.bin" } });
      const fine = await executor.execute("s1", { tool: "run.python", args: { code: "1" } });
      assert.equal(codeOf(fine), "ok", JSON.stringify(fine));
    }, { limits: LimitsSchema.parse({ maxWorkspaceBytes: MiB }) }),
});

Deno.test({
  name: "after test.run the workspace is measured again, so files its tests wrote count",
  ignore: sandboxed,
  fn: () =>
    withExecutor(async (executor) => {
      const test = "def test_grow():\n    open('big.bin', 'wb').write(b'x' * 2 * 1024 * 1024)\n";
      const put = await executor.execute("s1", {
        tool: "fs.write",
        args: { path: "test_grow.py", contents: test },
      });
      assert.ok(put.ok);
      const tested = await executor.execute("s1", { tool: "test.run", args: {} });
      assert.equal(codeOf(tested), "ok", JSON.stringify(tested));
      const next = await executor.execute("s1", { tool: "run.python", args: { code: "1" } });
      assert.equal(codeOf(next), "LIMIT_EXCEEDED");
    }, { limits: LimitsSchema.parse({ maxWorkspaceBytes: MiB }) }),
});

Deno.test("a run whose time limit passes while the workspace is measured is a retriable TIMEOUT; the measure goes on", async () => {
  const measured = Promise.withResolvers<number>();
  let walks = 0;
  const usage: SessionUsage = {
    limit: 100,
    bytes: () => (walks++, measured.promise),
    known: () => undefined,
    add() {},
    set() {},
    invalidate() {},
  };
  const started = performance.now();
  await assert.rejects(refuseOverLimit("run.python", usage, 50), (err: CodegenError) => {
    assert.equal(err.code, "TIMEOUT");
    assert.equal(err.retriable, true);
    assert.match(err.message, /^Cannot start run\.python: the call's time limit ran out while/);
    return true;
  });
  assert.ok(performance.now() - started < 2_000, "not the whole measure");
  // once measured, the same call starts
  measured.resolve(10);
  await refuseOverLimit("run.python", usage, 50);
  assert.equal(walks, 2);
  // the file tools never wait for it
  await refuseOverLimit("fs.read", { ...usage, bytes: () => new Promise(() => {}) }, 0);
});
