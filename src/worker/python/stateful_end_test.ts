import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { result, testLimits, withoutBubblewrap, withPythonSession } from "./_testing.ts";

const ignore = await withoutBubblewrap();

type Run = (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>;

function withRuns(fn: (stateful: Run, stateless: Run, ctx: TaskContext) => Promise<void>) {
  return withPythonSession(({ rt, ctx }) =>
    fn(
      (args) => rt.runPython(ctx, { stateful: true, ...args }),
      (args) => rt.runPython(ctx, args),
      ctx,
    )
  );
}

// Resolves once no process holds a lock on `path` (one held by a process is let go when it
// ends); fails after `ms`.
async function untilUnlocked(path: string, ms: number): Promise<void> {
  using file = await Deno.open(path, { read: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path} still locked after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([file.lock(true), late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "os._exit(137) is exit code 137 in both modes, not a death by SIGKILL",
  ignore,
  fn: () =>
    withRuns(async (stateful, stateless) => {
      for (const run of [stateful, stateless]) {
        const out = await run({ code: "import os; os._exit(137)" });
        assert.ok(out.ok && out.is_error, JSON.stringify(out));
        assert.equal(out.result.exit_code, 137);
        assert.equal(out.result.signal, undefined);
        assert.equal(out.error_text, "EXIT_CODE: Python exited with code 137");
      }
      const next = result(await stateful({ code: "print('back')" }));
      assert.equal(next.interpreter_restarted, "previous interpreter exited with code 137");
    }),
});

Deno.test({
  name: "a stateful interpreter killed by a signal reports it as a stateless run does",
  ignore,
  fn: () =>
    withRuns(async (stateful, stateless) => {
      const code = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)";
      for (const run of [stateful, stateless]) {
        const out = await run({ code });
        assert.ok(out.ok && out.is_error, JSON.stringify(out));
        assert.equal(out.result.exit_code, 137);
        assert.equal(out.result.signal, "SIGKILL");
        assert.equal(out.error_text, "EXIT_CODE: Python exited with code 137 (SIGKILL)");
      }
      const next = result(await stateful({ code: "print('back')" }));
      assert.equal(
        next.interpreter_restarted,
        "previous interpreter exited with code 137 (SIGKILL)",
      );
    }),
});

Deno.test({
  name: "a stateful interpreter that dies between calls is reported exactly by the next one",
  ignore,
  fn: () =>
    withRuns(async (stateful, _stateless, ctx) => {
      // a thread ends the interpreter once the kernel waits for the next call; the lock it
      // holds on "alive" is let go only when the process has ended
      const later = "import fcntl, os, sys, threading, time\n" +
        "alive = open('alive', 'w')\n" +
        "fcntl.flock(alive, fcntl.LOCK_EX)\n" +
        "main = threading.main_thread().ident\n" +
        "def end():\n" +
        "    for _ in range(2000):\n" +
        "        frame = sys._current_frames().get(main)\n" +
        "        while frame is not None and frame.f_code.co_name != '_read_job':\n" +
        "            frame = frame.f_back\n" +
        "        if frame is not None:\n" +
        "            os._exit(140)\n" +
        "        time.sleep(0.005)\n" +
        "threading.Thread(target=end).start()";
      assert.equal(result(await stateful({ code: later })).exit_code, 0);
      await untilUnlocked(`${ctx.workspace}/alive`, 5_000);
      const next = result(await stateful({ code: "print('ran')" }));
      assert.equal(next.stdout, "ran\n", "the call runs, in a new interpreter");
      assert.equal(next.interpreter_restarted, "previous interpreter exited with code 140");
    }),
});

/**
 * Python defining `forge(status, done)`: ends the running call with whatever the interpreter
 * can reach — the call's nonce, where the kernel keeps it in the interpreter (then `status`,
 * JSON bytes, follows the marker), or else the interpreter's "done" to its supervisor, the
 * call's number followed by `done` (an exit code, if the line is to be taken).
 */
const FORGE = String.raw`
import os, sys
def forge(status, done):
    frame = sys._getframe()
    while frame is not None and not {"marker", "done_w"} & set(frame.f_locals):
        frame = frame.f_back
    found = frame.f_locals
    if "marker" in found:
        os.write(2, found["marker"])
        os.write(1, found["marker"] + status + b"\n")
    else:
        os.write(found["done_w"], b"%d %s\n" % (found["seq"], done))
`;

Deno.test({
  name: "a stateful run can end its own call early (documented), but the next call's timeout holds",
  ignore,
  fn: () =>
    withRuns(async (stateful) => {
      const code = FORGE + "forge(b'{\"exit_code\": 3}', b'3')\nimport time\ntime.sleep(30)\n";
      const early = await stateful({ code, timeout_seconds: 10 });
      assert.ok(early.ok && early.is_error, JSON.stringify(early));
      assert.equal(early.result.exit_code, 3);
      assert.equal(early.result.timed_out, false);
      // the interpreter is still in the call that ended early: the worker's timer ends the next
      const next = await stateful({ code: "print('queued')", timeout_seconds: 1 });
      assert.ok(next.ok);
      assert.equal(next.result.timed_out, true);
      const after = result(await stateful({ code: "print('fresh')" }));
      assert.equal(after.stdout, "fresh\n");
      assert.equal(after.interpreter_restarted, "previous call timed out");
    }),
});

Deno.test({
  name: "a stateful run cannot report a signal, a start failure or a death for its own call",
  ignore,
  fn: () =>
    withRuns(async (stateful) => {
      await stateful({ code: "kept = 1" });
      const status = '{"exit_code": 0, "signal": "SIGSEGV", "start_failed": "forged", ' +
        '"retire": true, "died": true, "before": true}';
      // the forged status, then over-long and malformed lines where a frame cannot be forged
      const code = FORGE + `forge(b'${status}', b'0 ' + b'${status}')\n` +
        "for junk in (b'x' * 100000, b'999', b'-1', b'0 0', b''):\n    forge(b'', junk)\n" +
        "print('ran on')\n";
      const out = await stateful({ code });
      assert.ok(out.ok, JSON.stringify(out));
      assert.equal(out.result.stdout, "ran on\n");
      assert.equal(out.result.signal, undefined);
      assert.equal(out.result.exit_code, 0);
      assert.equal(out.is_error, undefined);
      assert.equal(out.result.interpreter_restarted, undefined);
      const next = result(await stateful({ code: "print(kept)" }));
      assert.equal(next.stdout, "1\n", "the same interpreter serves the next call");
      assert.equal(next.interpreter_restarted, undefined);
    }),
});

Deno.test({
  name: "a stateful call that ended early leaves no framing bytes in the next call's output",
  ignore,
  fn: () =>
    withRuns(async (stateful) => {
      const code = FORGE + "forge(b'{\"exit_code\": 0}', b'0')\nimport time\ntime.sleep(0.5)\n";
      result(await stateful({ code }));
      const next = result(await stateful({ code: "print('two')" }));
      assert.equal(next.stdout, "two\n");
      assert.equal(next.stderr, "");
      assert.equal(next.exit_code, 0);
    }),
});

Deno.test({
  name: "a stateful interpreter's calls with large input do not use up its supervisor's CPU limit",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      // 8 MB of stdin a call: copied with a slice per pipe write, each call cost the supervisor
      // most of a second, and its CPU limit (one call's) ended the session's state by SIGXCPU
      const stdin = "x".repeat(8_000_000);
      const code = "n = globals().get('n', 0) + 1\nimport sys\nprint(n, len(sys.stdin.read()))";
      for (let i = 1; i <= 25; i++) {
        const out = result(await rt.runPython(ctx, { stateful: true, code, stdin }));
        assert.equal(out.stdout, `${i} 8000000\n`, JSON.stringify(out).slice(0, 300));
      }
      // the supervisor's soft limit is its hard one: only the interpreter's life bounds it
      const limits = "import os\nprint(open('/proc/%d/limits' % os.getppid()).read())";
      const text = result(await rt.runPython(ctx, { stateful: true, code: limits })).stdout;
      const cpu = /^Max cpu time\s+(\S+)\s+(\S+)/m.exec(text);
      assert.ok(cpu, text);
      assert.equal(cpu[1], cpu[2]);
    }, { limits: testLimits({ cpuSeconds: 1, maxWriteFileBytes: 16 << 20 }) }),
});
