import assert from "node:assert/strict";
import { pythonSpec, withoutBubblewrap, withWorkspace } from "./testing.ts";
import { BubblewrapRunner } from "./bubblewrap_runner.ts";
import { collect } from "./collect.ts";
import type { SandboxSpec } from "./runner.ts";

const ignore = await withoutBubblewrap();

const spec = (ws: string, code: string, extra: Partial<SandboxSpec> = {}) =>
  pythonSpec(ws, code, { timeoutMs: 20_000, ...extra });

Deno.test({
  name: "BubblewrapRunner.run() tells os._exit(137) from a death by SIGKILL",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const exited = await runner.run(spec(ws, "import os; os._exit(137)"));
      assert.equal(exited.exitCode, 137);
      assert.equal(exited.signal, undefined, "an exit code, not a signal");
      assert.equal(exited.stderr, "", "the report is not output");
      const code = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)";
      const killed = await runner.run(spec(ws, code));
      assert.equal(killed.exitCode, 137);
      assert.equal(killed.signal, "SIGKILL");
      const sh = await runner.run({ ...spec(ws, ""), argv: ["sh", "-c", "kill -XCPU $$"] });
      assert.deepEqual([sh.exitCode, sh.signal], [152, "SIGXCPU"]);
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() keeps stdin and stderr the command's own around the report",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const code = "import sys\nsys.stdout.write(sys.stdin.read())\n" +
        "sys.stderr.write('no newline at the end')\nsys.exit(4)";
      const result = await new BubblewrapRunner().run(spec(ws, code, { stdin: "\0data\n" }));
      assert.equal(result.stdout, "\0data\n", "stdin starts after the nonce");
      assert.equal(result.stderr, "no newline at the end");
      assert.deepEqual([result.exitCode, result.signal], [4, undefined]);
    }),
});

Deno.test({
  name: "the command can neither read the waiting launcher nor stop it with catchable signals",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const code = "import os, signal, sys, time\nparent = os.getppid()\n" +
        "for name in ('mem', 'environ'):\n  try:\n" +
        "    open('/proc/%d/%s' % (parent, name), 'rb').read(1)\n    print('read', name)\n" +
        "  except OSError as e:\n    print(name, e.errno)\n" +
        "for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGUSR1):\n" +
        "  os.kill(parent, s)\ntime.sleep(0.2)\nsys.exit(7)";
      const result = await new BubblewrapRunner().run(spec(ws, code));
      assert.equal(result.stdout, "mem 13\nenviron 13\n", "EACCES: the launcher is not dumpable");
      assert.deepEqual([result.exitCode, result.signal], [7, undefined], result.stderr);
    }),
});

Deno.test({
  name: "the waiting launcher takes none of the processes the command may have",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      // forks sleepers until the limit refuses one; counts them with the command itself
      const code = "import os, time\nn = 1\ntry:\n  while n < 64:\n" +
        "    if os.fork() == 0:\n      time.sleep(30)\n      os._exit(0)\n    n += 1\n" +
        "except OSError as e:\n  print(n, e.errno)";
      const base = spec(ws, code);
      const limited = { ...base, limits: { ...base.limits, maxProcesses: 5 } };
      const runner = new BubblewrapRunner();
      const reported = await runner.run(limited);
      assert.match(reported.stdout, /^\d+ 11\n$/, "EAGAIN at the limit");
      // start() launches without the report, as the interpreters are
      const { timeoutMs, outputLimitBytes } = limited;
      const plain = await collect(await runner.start(limited), { timeoutMs, outputLimitBytes });
      assert.equal(reported.stdout, plain.stdout);
    }),
});
