import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { result, testLimits, withoutBubblewrap, withPythonSession } from "./_testing.ts";
import { KERNEL_CPU_CALLS } from "./launch.ts";
import type { SandboxedPythonRuntime } from "./mod.ts";

const ignore = await withoutBubblewrap();

type Run = (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>;

async function withKernel(
  fn: (run: Run, ctx: TaskContext, rt: SandboxedPythonRuntime) => Promise<void>,
) {
  await withPythonSession(({ rt, ctx }) =>
    fn((args) => rt.runPython(ctx, { stateful: true, ...args }), ctx, rt)
  );
}

Deno.test({
  name: "stateful run.python keeps variables between calls: x = 41 then print(x + 1)",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const first = result(await run({ code: "x = 41" }));
      assert.equal(first.interpreter_restarted, "started");
      const second = result(await run({ code: "print(x + 1)" }));
      assert.equal(second.stdout, "42\n");
      assert.equal(second.interpreter_restarted, undefined);
    }),
});

Deno.test({
  name: "stateful run.python calls sent together run in the order they arrived",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const [, second, third] = await Promise.all([
        run({ code: "x = 41" }),
        run({ code: "print(x + 1)" }),
        run({ code: "x += 1; print(x)" }),
      ]);
      assert.equal(result(second!).stdout, "42\n");
      assert.equal(result(third!).stdout, "42\n");
    }),
});

Deno.test({
  name: "stateful run.python captures each call's stdout, stderr and child-process output",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const out = result(
        await run({
          code: "import subprocess, sys\nprint('py')\nprint('err', file=sys.stderr)\n" +
            "subprocess.run(['echo', 'child'])\nsys.stdout.write('no newline')",
        }),
      );
      assert.equal(out.stdout, "py\nchild\nno newline");
      assert.equal(out.stderr, "err\n");
      const next = result(await run({ code: "print(input())", stdin: "typed\n" }));
      assert.equal(next.stdout, "typed\n", "nothing of the previous call leaks into this one");
    }),
});

Deno.test({
  name: "stateful run.python reports exceptions and exit codes and keeps the kernel",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      await run({ code: "kept = 'yes'" });
      const raised = await run({ code: "1 / 0" });
      assert.ok(raised.ok && raised.is_error);
      assert.equal(raised.result.exit_code, 1);
      assert.match(raised.result.stderr, /ZeroDivisionError/);
      assert.doesNotMatch(raised.result.stderr, /_kernel/);
      const exited = result(await run({ code: "import sys; sys.exit(4)" }));
      assert.equal(exited.exit_code, 4);
      assert.equal(result(await run({ code: "print(kept)" })).stdout, "yes\n");
    }),
});

Deno.test({
  name: "a crashed kernel restarts on the next call, which says so",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      await run({ code: "x = 1" });
      const crash = await run({ code: "import os; os._exit(1)" });
      assert.ok(crash.ok && crash.is_error);
      assert.equal(crash.result.exit_code, 1);
      const next = result(await run({ code: "print('x' in globals())" }));
      assert.equal(next.stdout, "False\n");
      assert.match(next.interpreter_restarted ?? "", /exited with code 1/);
    }),
});

Deno.test({
  name: "a stateful call over its timeout kills the kernel; the next call restarts it",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const slow = await run({
        code: "print('before', flush=True)\nwhile True: pass",
        timeout_seconds: 1,
      });
      assert.ok(slow.ok);
      assert.equal(slow.result.timed_out, true);
      assert.equal(slow.result.stdout, "before\n");
      assert.match(slow.error_text ?? "", /^TIMEOUT/);
      const next = result(await run({ code: "print('back')" }));
      assert.equal(next.stdout, "back\n");
      assert.equal(next.interpreter_restarted, "previous call timed out");
    }),
});

Deno.test({
  name: "a stateful output flood is truncated per call without breaking the kernel",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const flood = result(
        await run({ code: "import sys\nfor _ in range(100): sys.stdout.write('y' * 65536)" }),
      );
      assert.equal(flood.truncated, true);
      assert.ok(flood.stdout.length <= testLimits().outputLimitBytes);
      const next = result(await run({ code: "print('fine')" }));
      assert.equal(next.stdout, "fine\n");
      assert.equal(next.truncated, false);
    }),
});

Deno.test({
  name: "closing the session stops its kernel; the next stateful call starts fresh",
  ignore,
  fn: () =>
    withKernel(async (run, ctx, rt) => {
      await run({ code: "x = 1" });
      await rt.closeSession(ctx.sessionId);
      const next = result(await run({ code: "print('x' in globals())" }));
      assert.equal(next.stdout, "False\n");
      assert.equal(next.interpreter_restarted, "started");
    }),
});

Deno.test({
  name: "stateful run.python: a call's env and its changes to os.environ end with the call",
  ignore,
  fn: () =>
    withKernel(async (run) => {
      const show = "import os\nprint(os.environ.get('CALL_VAR'), os.environ.get('SET_BY_CODE'), " +
        "os.environ['HOME'], 'LANG' in os.environ)";
      const before = result(await run({ code: show })).stdout;
      const during = result(
        await run({
          code: "import os\nos.environ['SET_BY_CODE'] = 'x'\nos.environ['HOME'] = '/elsewhere'\n" +
            "del os.environ['LANG']\n" + show,
          env: { CALL_VAR: "1" },
        }),
      );
      assert.equal(during.stdout, "1 x /elsewhere False\n");
      assert.equal(result(await run({ code: show })).stdout, before);
      assert.equal(before, "None None /tmp True\n");
      // child processes see the restored environment too
      const child = result(
        await run({ code: "import subprocess\nsubprocess.run(['sh', '-c', 'echo ${HOME}'])" }),
      );
      assert.equal(child.stdout, "/tmp\n");
    }),
});

Deno.test({
  name: "SANDBOX_CPU_SECONDS limits each stateful call, not the interpreter's whole life",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const run = (code: string) => rt.runPython(ctx, { code, stateful: true });
      // 0.6 s of CPU time per call under a 1 s limit: five calls use three limits' worth
      const burn = "import time\nt = time.process_time()\n" +
        "while time.process_time() - t < 0.6: pass\ncalls = globals().get('calls', 0) + 1";
      for (let i = 1; i <= 5; i++) {
        const r = result(await run(burn));
        assert.equal(r.exit_code, 0, `call ${i}: ${r.stderr}`);
      }
      assert.equal(result(await run("print(calls)")).stdout, "5\n", "the same interpreter");

      // a call over the limit is ended by SIGXCPU, reported as a stateless run reports it
      const spin = "while True: pass";
      const stateful = await run(spin);
      const stateless = await rt.runPython(ctx, { code: spin });
      for (const out of [stateful, stateless]) {
        assert.ok(out.ok && out.is_error, JSON.stringify(out));
        assert.equal(out.result.signal, "SIGXCPU");
        assert.equal(out.result.exit_code, 152);
        assert.equal(out.result.timed_out, false);
        assert.equal(out.error_text, "EXIT_CODE: Python exited with code 152 (SIGXCPU)");
      }
      const next = result(await run("print('fresh')"));
      assert.equal(next.stdout, "fresh\n");
      assert.equal(
        next.interpreter_restarted,
        "previous interpreter exited with code 152 (SIGXCPU)",
      );
    }, { limits: testLimits({ cpuSeconds: 1 }) }),
});

Deno.test({
  name:
    "a stateful interpreter can raise its per-call CPU limit only up to a hard cap on its total",
  ignore,
  fn: () =>
    withKernel(async (run, ctx) => {
      const cpu = ctx.limits.cpuSeconds;
      const r = result(
        await run({
          code: "import resource\nR = resource.RLIMIT_CPU\nsoft, hard = resource.getrlimit(R)\n" +
            "resource.setrlimit(R, (hard, hard))\nprint(soft, hard)\n" +
            "try:\n  resource.setrlimit(R, (hard, hard + 1))\nexcept ValueError:\n  print('refused')",
        }),
      );
      const [soft, hard] = r.stdout.split("\n")[0]!.split(" ").map(Number);
      assert.ok(soft! >= cpu && soft! <= cpu + 1, r.stdout);
      assert.equal(hard, cpu * KERNEL_CPU_CALLS);
      assert.match(r.stdout, /\nrefused\n$/);
    }),
});
