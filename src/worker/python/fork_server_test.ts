import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import { pidsNamed, testLimits, withoutBubblewrap, withPythonSession } from "./_testing.ts";
import type { SandboxedPythonRuntime } from "./mod.ts";

const ignore = await withoutBubblewrap();

/** A runtime and session "s1"; `run` waits for the session's fork server between runs. */
async function withSession(
  fn: (
    run: (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>,
    rt: SandboxedPythonRuntime,
  ) => Promise<void>,
): Promise<void> {
  await withPythonSession(({ rt, ctx }) =>
    fn(async (args) => {
      await rt.spareReady("s1");
      return rt.runPython(ctx, args);
    }, rt)
  );
}

function stdout(outcome: TaskOutcome<"run.python">): string {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.result.stdout;
}

Deno.test({
  name: "fork server: processes a run leaves behind (double-forked into a new session) are killed",
  ignore,
  fn: () =>
    withSession(async (run, rt) => {
      const code = "import ctypes, os, time\n" +
        "if os.fork() == 0:\n" +
        "    os.setsid()\n" +
        "    if os.fork() == 0:\n" +
        "        ctypes.CDLL(None).prctl(15, b'cgleftover', 0, 0, 0)\n" +
        "        time.sleep(600)\n" +
        "    os._exit(0)\n" +
        "time.sleep(0.2)\n" +
        "print('spawned')\n";
      assert.equal(stdout(await run({ code })), "spawned\n");
      assert.deepEqual(await pidsNamed("cgleftover"), [], "the double-forked sleeper is gone");
      // the same server serves the next run
      assert.equal(stdout(await run({ code: "print('next')" })), "next\n");
      const { hits, misses } = rt.stats();
      assert.deepEqual([hits, misses], [1, 1], "the first run was cold, the second reused it");
    }),
});

Deno.test({
  name: "fork server: a process whose first thread ended while another runs is killed too",
  ignore,
  fn: () =>
    withSession(async (run) => {
      // its /proc state is "Z" as soon as the first thread ends, though a thread still runs
      const code = "import ctypes, os, threading, time\n" +
        "if os.fork() == 0:\n" +
        "    libc = ctypes.CDLL(None)\n" +
        "    libc.prctl(15, b'cgzleader', 0, 0, 0)\n" +
        "    threading.Thread(target=time.sleep, args=(600,)).start()\n" +
        "    libc.pthread_exit(None)\n" +
        "time.sleep(0.2)\n" +
        "print('spawned')\n";
      assert.equal(stdout(await run({ code })), "spawned\n");
      assert.deepEqual(await pidsNamed("cgzleader"), [], "its running thread is gone");
      assert.equal(stdout(await run({ code: "print('next')" })), "next\n");
    }),
});

Deno.test({
  name: "fork server: /tmp and globals do not carry over; workspace files and imports do",
  ignore,
  fn: () =>
    withSession(async (run) => {
      const first = "open('/tmp/scratch', 'w').write('x')\n" +
        "open('helper_mod.py', 'w').write('VALUE = 42\\n')\nkept = 1\nprint('ok')";
      assert.equal(stdout(await run({ code: first })), "ok\n");
      const second = "import os, helper_mod\n" +
        "print(os.path.exists('/tmp/scratch'), 'kept' in globals(), helper_mod.VALUE)";
      assert.equal(stdout(await run({ code: second })), "False False 42\n");
    }),
});

Deno.test({
  name: "fork server: a signal death is reported with its name; stdin and exit codes pass through",
  ignore,
  fn: () =>
    withSession(async (run) => {
      const killed = await run({ code: "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)" });
      assert.ok(killed.ok);
      assert.equal(killed.result.exit_code, 128 + 15);
      assert.match(killed.error_text ?? "", /SIGTERM/);
      const echo = await run({ code: "import sys\nprint(sys.stdin.read()[::-1])", stdin: "abc" });
      assert.equal(stdout(echo), "cba\n");
      const exit = await run({ code: "raise SystemExit(3)" });
      assert.ok(exit.ok && exit.result.exit_code === 3 && exit.is_error === true);
    }),
});

Deno.test({
  name: "fork server: a run that kills its server is reported, and the next run gets a new one",
  ignore,
  fn: () =>
    withSession(async (run) => {
      const out = await run({
        code: "import os\nprint('before', flush=True)\nos.kill(os.getppid(), 9)",
      });
      assert.ok(out.ok, JSON.stringify(out));
      assert.notEqual(out.result.exit_code, 0);
      assert.equal(out.is_error, true);
      assert.equal(stdout(await run({ code: "print('after')" })), "after\n");
    }),
});

Deno.test({
  name: "fork server: a run cannot ptrace its server (it could otherwise alter later runs)",
  ignore,
  fn: () =>
    withSession(async (run) => {
      const code = "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n" +
        "print(libc.ptrace(16, os.getppid(), 0, 0), ctypes.get_errno())"; // PTRACE_ATTACH
      assert.equal(stdout(await run({ code })), "-1 1\n", "EPERM");
    }),
});

Deno.test({
  name: "fork server: it retires before its own CPU time can reach the CPU rlimit",
  ignore,
  fn: async () => {
    // a server is known by its start time (pids repeat: each sandbox has its own namespace)
    const serverId = "import os\n" +
      "print(open(f'/proc/{os.getppid()}/stat').read().rsplit(')', 1)[1].split()[19])";
    const pids = (cpuSeconds: number) =>
      withPythonSession(async ({ rt, ctx }) => {
        const seen: string[] = [];
        for (let i = 0; i < 3; i++) {
          await rt.spareReady("s1");
          seen.push(stdout(await rt.runPython(ctx, { code: serverId })));
        }
        return new Set(seen).size;
      }, { limits: testLimits({ cpuSeconds }) });
    assert.equal(await pids(20), 1, "one server serves every run");
    // with a 1 s limit there is no safe budget: each server serves one run and retires
    assert.equal(await pids(1), 3);
  },
});

Deno.test({
  name:
    "fork server: a run it cannot fork (process limit) is a retriable LIMIT_EXCEEDED, not exit 1",
  ignore,
  fn: async () => {
    // below the configuration's minimum on purpose: the server uses up its sandbox's limit
    const limits = { ...testLimits(), maxProcesses: 1 };
    await withPythonSession(async ({ rt, ctx }) => {
      const out = await rt.runPython(ctx, { code: "print('never')" });
      assert.ok(!out.ok, JSON.stringify(out));
      assert.equal(out.error.code, "LIMIT_EXCEEDED");
      assert.equal(out.error.retriable, true);
      assert.match(
        out.error.message,
        /^Cannot start the run: too many processes at once in this session \(fork: \[Errno 11\] .*\); retry$/,
      );
      // the server was not at fault: it stays, and the next run gets the same answer
      const again = await rt.runPython(ctx, { code: "print('never')" });
      assert.ok(!again.ok && again.error.code === "LIMIT_EXCEEDED", JSON.stringify(again));
    }, { limits });
  },
});

/**
 * Hostile code that looks for the end-of-job marker everywhere a run can look — the frames
 * on its stack (the fork server's among them) and all of its own memory — and writes each
 * candidate on stderr, and followed by `tail` on stdout: the frame the fork server ends a
 * job with.
 */
function forgeMarker(tail: string): string {
  return String.raw`import os, re, sys
pattern = re.compile(rb"\x00\x1e[0-9a-f]{32}\x1e")
found = set()
frame = sys._getframe()
while frame is not None:
    for value in list(frame.f_locals.values()):
        if isinstance(value, str):
            value = value.encode("latin-1", "replace")
        if isinstance(value, bytes):
            found.update(pattern.findall(value))
    frame = frame.f_back
mem = os.open("/proc/self/mem", os.O_RDONLY)
for line in open("/proc/self/maps"):
    span, perms = line.split()[:2]
    start, end = (int(x, 16) for x in span.split("-"))
    if not perms.startswith("r") or end - start > 256 << 20:
        continue
    for at in range(start, end, 1 << 20):
        try:
            found.update(pattern.findall(os.pread(mem, min(1 << 20, end - at), at)))
        except OSError:
            break
print("candidates:", len(found), file=sys.stderr, flush=True)
found.add(b"\x00\x1e" + b"0" * 32 + b"\x1e")  # one at least, found or not
for marker in found:
    os.write(2, marker)
    os.write(1, marker + ${tail})
`;
}

Deno.test({
  name: "fork server: a run that finds a marker in its frames or memory cannot end its call early",
  ignore,
  fn: () =>
    withSession(async (run) => {
      // a previous job leaves its marker behind in the server; it must not help either
      assert.equal(stdout(await run({ code: "print('warm')" })), "warm\n");
      const code = forgeMarker(String.raw`b'{"exit_code": 0}\n'`) +
        "import time\ntime.sleep(5)\nopen('late.txt', 'w').write('still running')\n";
      const out = await run({ code, timeout_seconds: 1 });
      assert.ok(out.ok, JSON.stringify(out));
      assert.equal(out.result.timed_out, true, JSON.stringify(out.result));
      assert.match(out.error_text ?? "", /^TIMEOUT: /);
      assert.ok(out.result.duration_ms >= 1_000, `ended after ${out.result.duration_ms} ms`);
      assert.equal(
        stdout(await run({ code: "import os\nprint(os.path.exists('late.txt'))" })),
        "False\n",
      );
    }),
});

Deno.test({
  name: "fork server: a huge line after a marker a run found is capped output, not a status",
  ignore,
  fn: () =>
    withSession(async (run) => {
      assert.equal(stdout(await run({ code: "print('warm')" })), "warm\n");
      // 128 MiB against a 64 MiB bound: buffering the line fails by far. This isolate's own
      // heap and buffers, sampled while the run goes: the process's RSS also moves with the
      // test files running in parallel in other isolates (by 80 MB, once)
      const own = () => {
        const m = Deno.memoryUsage();
        return m.heapUsed + m.external;
      };
      const before = own();
      let peak = before;
      const sampler = setInterval(() => peak = Math.max(peak, own()), 5);
      const code = forgeMarker(String.raw`b"x" * (128 << 20)`) + "print('real end')\n";
      const out = await run({ code, timeout_seconds: 30 }).finally(() => clearInterval(sampler));
      const grown = Math.max(peak, own()) - before;
      assert.ok(out.ok, JSON.stringify(out).slice(0, 500));
      assert.equal(out.result.exit_code, 0, out.result.stderr);
      assert.equal(out.result.timed_out, false);
      assert.equal(out.result.truncated, true);
      assert.ok(out.result.stdout.length <= testLimits().outputLimitBytes);
      assert.ok(grown < 64 * 1024 * 1024, `the worker grew by ${grown} bytes`);
    }),
});
