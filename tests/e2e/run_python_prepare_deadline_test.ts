// run.python on a worker whose preparing of a run (measuring and walking the workspace)
// took long: the run never starts after its own time limit, and a walk that cannot finish
// in time gives up, saying the artifact list is incomplete.
import assert from "node:assert/strict";
import type { CodegenError } from "../../src/core/mod.ts";
import { InsecureRunner } from "../../src/worker/sandbox/mod.ts";
import { testLimits, TestRoot } from "../../src/worker/python/_testing.ts";
import { SandboxedPythonRuntime } from "../../src/worker/python/mod.ts";
import { diffSnapshots, snapshotWorkspace } from "../../src/worker/python/snapshot.ts";

async function withRuntime(fn: (rt: SandboxedPythonRuntime, root: TestRoot) => Promise<void>) {
  await using root = await TestRoot.create();
  const rt = new SandboxedPythonRuntime(
    { workspaceRoot: root.root, limits: testLimits(), insecureNoSandbox: true },
    { runner: new InsecureRunner() },
  );
  try {
    await fn(rt, root);
  } finally {
    await rt.close();
  }
}

// synchronous: thousands of empty files, as fast as a test can make them
function manyFiles(dir: string, count: number): void {
  const empty = new Uint8Array();
  for (let i = 0; i < count; i++) Deno.writeFileSync(`${dir}/f${i}`, empty);
}

Deno.test("run.python whose time limit ran out while the worker prepared it answers TIMEOUT and runs nothing", async () => {
  await withRuntime(async (rt, root) => {
    const ctx = await root.ctx("s1");
    // the call reached the worker 1.5 s ago: its 1 s went on measuring the workspace
    const began = performance.now();
    await assert.rejects(
      rt.runPython({ ...ctx, startedAt: began - 1_500 }, {
        code: "open('ran', 'w').write('x')",
        timeout_seconds: 1,
      }),
      (err: CodegenError) => {
        assert.equal(err.code, "TIMEOUT");
        assert.equal(err.retriable, true);
        assert.match(
          err.message,
          /^The call's timeout \(1 s\) ran out 1\.\d s after it reached the worker, before its run started/,
        );
        return true;
      },
    );
    assert.ok(performance.now() - began < 1_000, "answered at once");
    assert.equal(await Deno.lstat(`${ctx.workspace}/ran`).catch(() => null), null);
  });
});

Deno.test("run.python's walk before the run gives up at half the time left and the result says artifacts_truncated", async () => {
  await withRuntime(async (rt, root) => {
    const ctx = await root.ctx("s1");
    manyFiles(ctx.workspace, 20_000);
    // 100 ms left of 3 s: the walk of 20,000 files gets 50 ms, the run the rest
    const outcome = await rt.runPython({ ...ctx, startedAt: performance.now() - 2_900 }, {
      code: "open('new.txt', 'w').write('x')",
      timeout_seconds: 3,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.artifacts_truncated, true);
    // none listed rather than the files the walk before never saw, listed as created
    assert.deepEqual(outcome.result.artifacts, []);
  });
});

Deno.test("snapshotWorkspace() stops when its time is up and diffSnapshots() then lists no artifacts", async () => {
  await using root = await TestRoot.create();
  const ctx = await root.ctx("s1");
  manyFiles(ctx.workspace, 200);
  const late = await snapshotWorkspace(ctx.workspace, {
    maxEntries: 100_000,
    until: performance.now(),
  });
  assert.equal(late.truncated, true);
  assert.equal(late.outOfTime, true);
  const full = await snapshotWorkspace(ctx.workspace, { maxEntries: 100_000 });
  assert.equal(full.truncated, false);
  assert.equal(full.outOfTime, undefined);
  assert.equal(full.files.size, 200);
  assert.deepEqual(diffSnapshots(late, full, { max: 10 }), { artifacts: [], truncated: true });
});
