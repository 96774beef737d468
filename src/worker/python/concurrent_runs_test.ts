/**
 * A session's runs at once: each has the process limit to itself, excess runs wait their
 * turn, and a run that cannot start says so with a retriable code, never as its exit code.
 */
import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import {
  failingLauncher,
  testLimits,
  TestRoot,
  withoutBubblewrap,
  withPythonSession,
} from "./_testing.ts";
import { SandboxedPythonRuntime } from "./mod.ts";

const ignore = await withoutBubblewrap();

Deno.test({
  name: "a session's stateless runs at once each have SANDBOX_MAX_PROCESSES to themselves",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const runs = 12;
      // each run starts 3 children, then waits until every run is up: 12 sandboxes of 5+
      // processes each, far over the 8 they would share if the limit were the session's
      const code = "import os, time\nfor _ in range(3):\n" +
        "  if os.fork() == 0:\n    time.sleep(30)\n    os._exit(0)\n" +
        "open('up/' + os.urandom(8).hex(), 'w').close()\n" +
        "deadline = time.monotonic() + 20\n" +
        `while len(os.listdir('up')) < ${runs} and time.monotonic() < deadline:\n` +
        "  time.sleep(0.02)\nprint(len(os.listdir('up')))";
      await Deno.mkdir(`${ctx.workspace}/up`);
      const outs = await Promise.all(
        Array.from({ length: runs }, () => rt.runPython(ctx, { code, timeout_seconds: 30 })),
      );
      for (const out of outs) {
        assert.ok(out.ok && !out.is_error, JSON.stringify(out));
        assert.equal(out.result.stdout, `${runs}\n`, "every run was up at once");
      }
    }, { limits: testLimits({ maxProcesses: 8 }) }),
});

Deno.test({
  name: "a session's runs past its run slots wait their turn; past as many waiting, LIMIT_EXCEEDED",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      // each run counts the runs in progress as it starts; only two may hold a sandbox
      const code = "import os, time\nme = 'running/' + os.urandom(8).hex()\n" +
        "open(me, 'w').close()\nprint(len(os.listdir('running')))\ntime.sleep(0.3)\nos.remove(me)";
      await Deno.mkdir(`${ctx.workspace}/running`);
      const runs = Array.from({ length: 4 }, () => rt.runPython(ctx, { code }));
      // two running and two waiting: one more is refused at once, and may retry
      await assert.rejects(
        rt.runPython(ctx, { code }),
        (e: unknown) => e instanceof CodegenError && e.code === "LIMIT_EXCEEDED" && e.retriable,
      );
      for (const out of await Promise.all(runs)) {
        assert.ok(out.ok && !out.is_error, JSON.stringify(out));
        assert.ok(Number(out.result.stdout) <= 2, `${out.result.stdout.trim()} at once`);
      }
    }, { limits: testLimits({ maxTasksPerSession: 2 }) }),
});

Deno.test("a sandbox that fails before Python starts is a retriable error in both modes, not an exit", async () => {
  await using root = await TestRoot.create();
  const cases: Array<[string, string, RegExp]> = [
    [
      "bwrap: Creating new namespace failed: Resource temporarily unavailable",
      "LIMIT_EXCEEDED",
      /^Cannot start the run: too many processes at once in this session \(bwrap: Creating new namespace failed: Resource temporarily unavailable\); retry$/,
    ],
    [
      "bwrap: Can't mount proc on /newroot/proc: Operation not permitted",
      "SANDBOX_UNAVAILABLE",
      /^Cannot start the run: the sandbox did not start \(bwrap: Can't mount proc on \/newroot\/proc: Operation not permitted\)$/,
    ],
  ];
  for (const [message, code, text] of cases) {
    const rt = new SandboxedPythonRuntime(
      { workspaceRoot: root.root, limits: testLimits(), insecureNoSandbox: false },
      { runner: failingLauncher(message) },
    );
    try {
      const ctx = await root.ctx("s1");
      for (const stateful of [false, true]) {
        const out = await rt.runPython(ctx, { code: "print(1)", stateful });
        assert.ok(!out.ok, JSON.stringify(out));
        assert.deepEqual([out.error.code, out.error.retriable], [code, true]);
        assert.match(out.error.message, text);
      }
    } finally {
      await rt.close();
    }
  }
});

Deno.test({
  name: "the wait for a run slot counts against the call's timeout",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const sleep = (s: number) => `import time\ntime.sleep(${s})\nprint('done')`;
      const holder = rt.runPython(ctx, { code: sleep(2.5), timeout_seconds: 20 });
      await new Promise((r) => setTimeout(r, 200));
      // its whole timeout passes while the only slot is held: it never runs
      const started = performance.now();
      await assert.rejects(
        rt.runPython(ctx, { code: sleep(0), timeout_seconds: 1 }),
        (e: unknown) =>
          e instanceof CodegenError && e.code === "TIMEOUT" && e.retriable &&
          /waited its whole timeout \(1 s\) for a run slot/.test(e.message),
      );
      const waited = performance.now() - started;
      assert.ok(waited >= 900 && waited < 2_000, `gave up after ${waited} ms`);
      // part of it passes waiting: the run gets what is left, and its TIMEOUT says why
      const late = await rt.runPython(ctx, { code: sleep(5), timeout_seconds: 3.5 });
      assert.ok(late.ok && late.is_error, JSON.stringify(late));
      assert.match(
        late.error_text ?? "",
        /^TIMEOUT: Run exceeded 3\.5 s and was killed \(\d(\.\d)? s of it waiting for its turn\)$/,
      );
      assert.ok(late.result.duration_ms < 3_000, `ran ${late.result.duration_ms} ms`);
      const first = await holder;
      assert.ok(first.ok && !first.is_error && first.result.stdout === "done\n");
    }, { limits: testLimits({ maxTasksPerSession: 1 }) }),
});

Deno.test({
  name: "a stateful call's wait behind the session's earlier calls counts against its timeout",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      await rt.runPython(ctx, { code: "x = 41", stateful: true });
      const holder = rt.runPython(ctx, {
        code: "import time\ntime.sleep(2)\nx += 1",
        stateful: true,
        timeout_seconds: 20,
      });
      await assert.rejects(
        rt.runPython(ctx, { code: "x = 0", stateful: true, timeout_seconds: 1 }),
        (e: unknown) =>
          e instanceof CodegenError && e.code === "TIMEOUT" && e.retriable &&
          /for the session's earlier stateful calls and did not start/.test(e.message),
      );
      assert.ok((await holder).ok);
      // the call that gave up never touched the interpreter: its state is the holder's
      const after = await rt.runPython(ctx, { code: "print(x)", stateful: true });
      assert.ok(
        after.ok && !after.is_error && after.result.stdout === "42\n",
        JSON.stringify(after),
      );
      assert.equal(after.result.interpreter_restarted, undefined);
    }),
});
