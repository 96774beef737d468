/**
 * A stateful interpreter's lifetime CPU limit bounds every process it starts, not only
 * itself: what a call leaves running is counted with it, and killed past the limit.
 */
import assert from "node:assert/strict";
import { result, testLimits, withoutBubblewrap, withPythonSession } from "./_testing.ts";
import { KERNEL_CPU_CALLS } from "./launch.ts";

const ignore = await withoutBubblewrap();
const CPU_SECONDS = 1;
const BUDGET = CPU_SECONDS * KERNEL_CPU_CALLS;
/** CPU time the chain burns per mark it writes. */
const MARK_SECONDS = 0.1;

/**
 * Two background chains, each a process that ignores SIGXCPU, raises its soft CPU limit to
 * the hard one, burns 1.5 s of CPU (a mark in `marks` per MARK_SECONDS), forks and exits, 20
 * times: every process stays under RLIMIT_CPU, together they use 60 s.
 */
const CHAIN = `
import os, resource, signal, time
signal.signal(signal.SIGXCPU, signal.SIG_IGN)
R = resource.RLIMIT_CPU
for generation in range(20):
    resource.setrlimit(R, (resource.getrlimit(R)[1],) * 2)
    for _ in range(15):
        t = time.process_time()
        while time.process_time() - t < ${MARK_SECONDS}: pass
        with open("marks", "a") as f: f.write(".")
    if os.fork():
        os._exit(0)
`;

const START = "import subprocess, sys\n" +
  `for _ in range(2): subprocess.Popen([sys.executable, "-c", ${
    JSON.stringify(CHAIN)
  }], start_new_session=True)\nprint("started")`;

/** The size of `path` once it has not grown for `quietMs`, or undefined after `maxMs`. */
async function settledSize(path: string, options: { quietMs: number; maxMs: number }) {
  const end = Date.now() + options.maxMs;
  let size = -1;
  let since = Date.now();
  while (Date.now() < end) {
    const now = await Deno.stat(path).then((s) => s.size, () => 0);
    if (now !== size) [size, since] = [now, Date.now()];
    else if (Date.now() - since >= options.quietMs) return size;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

Deno.test({
  name: "a forking chain a stateful call left running is killed once the sandbox's CPU " +
    "reaches the interpreter's lifetime limit; the next call says so",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const run = (code: string) => rt.runPython(ctx, { code, stateful: true });
      assert.equal(result(await run("x = 1")).exit_code, 0);
      const started = result(await run(START));
      assert.equal(started.stdout, "started\n");
      const marks = await settledSize(`${ctx.workspace}/marks`, {
        quietMs: 2_000,
        maxMs: 45_000,
      });
      assert.ok(marks !== undefined, "the chain still runs 45 s later");
      // detection takes two samples a second apart: a few seconds of both chains' CPU more
      const used = marks * MARK_SECONDS;
      assert.ok(used >= BUDGET - 2 && used <= BUDGET + 6, `the chain used ${used} s of CPU`);

      const next = result(await run("print('x' in globals())"));
      assert.equal(next.stdout, "False\n");
      assert.match(
        next.interpreter_restarted ?? "",
        /^previous interpreter was killed \(SIGKILL\): its sandbox had used up its CPU time$/,
      );
    }, { limits: testLimits({ cpuSeconds: CPU_SECONDS }) }),
});

Deno.test({
  name: "a stateful call whose processes use up the sandbox's CPU time ends killed by SIGKILL",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const run = (code: string) =>
        rt.runPython(ctx, { code, stateful: true, timeout_seconds: 60 });
      // still sleeping when the chains use up the CPU time: killed with them
      const killed = await run(START + "\nimport time\ntime.sleep(40)");
      assert.ok(killed.ok && killed.is_error, JSON.stringify(killed));
      assert.equal(killed.result.signal, "SIGKILL");
      assert.equal(killed.result.timed_out, false);
      const next = result(await run("print('back')"));
      assert.equal(next.stdout, "back\n");
      assert.match(next.interpreter_restarted ?? "", /its sandbox had used up its CPU time$/);
    }, { limits: testLimits({ cpuSeconds: CPU_SECONDS }) }),
});

Deno.test({
  name: "a stateful call's idle background process outlives the call; its orphans are reaped",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const run = (code: string) => rt.runPython(ctx, { code, stateful: true });
      // a server the next call talks to, and a double-forked process that ends on its own
      const start = "import subprocess, sys\n" +
        "server = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], " +
        "start_new_session=True)\n" +
        "subprocess.run(['sh', '-c', '(sleep 0.2; echo gone) >done & echo $! > orphan'])\n" +
        "print(server.pid)";
      const server = result(await run(start)).stdout.trim();
      const check = "import os, time\n" +
        "orphan = int(open('orphan').read())\n" +
        "for _ in range(50):\n" +
        "    if not os.path.exists('/proc/%d' % orphan): break\n" +
        "    time.sleep(0.1)\n" +
        "state = open('/proc/%d/stat' % server.pid).read().rsplit(')', 1)[1].split()[0]\n" +
        "print(state, server.poll(), os.path.exists('/proc/%d' % orphan), open('done').read().strip())";
      // two CPU samples at least between the calls
      await new Promise((r) => setTimeout(r, 2_500));
      const out = result(await run(check));
      assert.equal(out.stdout, "S None False gone\n", `server ${server}: ${out.stderr}`);
      assert.equal(out.interpreter_restarted, undefined);
    }, { limits: testLimits({ cpuSeconds: CPU_SECONDS }) }),
});
