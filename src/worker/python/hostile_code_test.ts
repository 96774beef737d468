/**
 * Hostile code: each attack ends bounded and reported, and the runtime still runs a
 * plain `print("ok")` afterwards.
 */
import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import {
  pidsNamed,
  result,
  testLimits,
  type TestRoot,
  withoutBubblewrap,
  withPythonSession,
} from "./_testing.ts";
import { sandboxSupport } from "../sandbox/mod.ts";
import type { SandboxedPythonRuntime } from "./mod.ts";

const ignore = await withoutBubblewrap();
const limits = testLimits();

type Run = (args: RunPythonArgs, ctx?: TaskContext) => Promise<TaskOutcome<"run.python">>;

async function attack(
  fn: (run: Run, ctx: TaskContext, root: TestRoot, rt: SandboxedPythonRuntime) => Promise<void>,
) {
  await withPythonSession(async ({ rt, ctx, root }) => {
    const run: Run = (args, c = ctx) => rt.runPython(c, args);
    await fn(run, ctx, root, rt);
    const after = await run({ code: "print('ok')" });
    assert.ok(
      after.ok && after.result.stdout === "ok\n",
      `healthy afterwards: ${JSON.stringify(after)}`,
    );
  }, { limits });
}

Deno.test({
  name: "an infinite loop is killed at the timeout and reported as TIMEOUT",
  ignore,
  fn: () =>
    attack(async (run) => {
      const out = await run({ code: "while True: pass", timeout_seconds: 1 });
      assert.ok(out.ok);
      assert.equal(out.result.timed_out, true);
      assert.equal(out.is_error, true);
      assert.match(out.error_text ?? "", /^TIMEOUT: /);
      assert.ok(out.result.duration_ms < 3_000);
    }),
});

Deno.test({
  name: "a fork bomb hits the process limit and ends",
  ignore,
  fn: () =>
    attack(async (run) => {
      const code = "import os, time\nn = 0\nwhile True:\n  try:\n    pid = os.fork()\n" +
        "  except OSError as e:\n    print('fork failed after', n, e.errno, flush=True)\n    break\n" +
        "  if pid == 0:\n    time.sleep(30)\n    os._exit(0)\n  n += 1\n";
      const r = result(await run({ code, timeout_seconds: 20 }));
      assert.equal(r.timed_out, false);
      const m = r.stdout.match(/fork failed after (\d+) 11/);
      assert.ok(m, r.stdout + r.stderr);
      assert.ok(Number(m[1]) < limits.maxProcesses, `stopped at ${m[1]}`);
    }),
});

Deno.test({
  name: "a memory bomb hits the address-space limit",
  ignore,
  fn: () =>
    attack(async (run) => {
      const r = result(await run({ code: "x = bytearray(4 * 1024 ** 3)\nprint('allocated')" }));
      assert.notEqual(r.exit_code, 0);
      assert.match(r.stderr, /MemoryError/);
      assert.equal(r.stdout, "");
    }),
});

// Each stops at its first refusal and prints how many MiB it held, and the errno.
const HOLD_MEMORY_OUTSIDE_AS = String.raw`
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
fds = []
try:
    while len(fds) < 640:
        fds.append(os.memfd_create("m"))
        os.write(fds[-1], b"x" * (1 << 20))
    print("memfd", len(fds))
except OSError as e:
    print("memfd", len(fds), e.errno)
held = 0
while held < 640:
    sid = libc.shmget(0, 160 << 20, 0o600)
    if sid < 0:
        break
    addr = libc.shmat(sid, None, 0)
    ctypes.memset(addr, 1, 160 << 20)
    libc.shmdt(ctypes.c_void_p(addr))
    held += 160
print("shm", held, ctypes.get_errno())
`;

Deno.test({
  name: "code cannot hold memory outside its address-space limit in memfds or SysV segments",
  ignore,
  fn: () =>
    attack(async (run) => {
      // 640 MiB each, over the 512 MiB limit: unmapped, neither counts against RLIMIT_AS
      const r = result(await run({ code: HOLD_MEMORY_OUTSIDE_AS }));
      assert.equal(r.stdout, "memfd 0 38\nshm 0 38\n", r.stderr);
    }),
});

Deno.test({
  name: "a stateless run leaves no POSIX message queue for the next one",
  ignore,
  fn: () =>
    attack(async (run) => {
      const open = "import ctypes, os\nrt = ctypes.CDLL('librt.so.1', use_errno=True)\n" +
        "q = rt.mq_open(b'/left', os.O_CREAT | os.O_RDWR, 0o600, None)\n";
      const first = result(await run({ code: `${open}print(q, ctypes.get_errno())` }));
      assert.equal(first.stdout, "-1 38\n", first.stderr); // ENOSYS: none is made
      const second = result(await run({ code: `${open}print(q)` }));
      assert.equal(second.stdout, "-1\n", second.stderr);
    }),
});

Deno.test({
  name: "code cannot open a vsock socket, which no network namespace confines",
  ignore,
  fn: () =>
    attack(async (run) => {
      const r = result(
        await run({
          code: "import socket\ntry:\n  socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)\n" +
            "  print('created')\nexcept OSError as e:\n  print(e.errno)",
        }),
      );
      assert.equal(r.stdout, "97\n", r.stderr); // EAFNOSUPPORT
    }),
});

Deno.test({
  name: "an output flood is truncated at the cap and the run still finishes",
  ignore,
  fn: () =>
    attack(async (run) => {
      const r = result(
        await run({
          code:
            "import sys\nfor _ in range(200): sys.stdout.write('x' * 65536)\nprint('done', file=sys.stderr)",
        }),
      );
      assert.equal(r.truncated, true);
      assert.ok(new TextEncoder().encode(r.stdout).length <= limits.outputLimitBytes);
      assert.equal(r.stderr, "done\n");
      assert.equal(r.exit_code, 0);
    }),
});

Deno.test({
  name: "filling the disk stops at the file-size limit",
  ignore,
  fn: () =>
    attack(async (run, ctx) => {
      const r = result(
        await run({
          code: "f = open('big.bin', 'wb')\nwhile True: f.write(b'0' * 65536)",
        }),
      );
      assert.notEqual(r.exit_code, 0);
      assert.match(r.stderr, /File too large/);
      assert.ok((await Deno.stat(`${ctx.workspace}/big.bin`)).size <= limits.maxWriteFileBytes);
    }),
});

Deno.test({
  name: "code cannot connect to a TCP listener on the host's loopback",
  ignore,
  fn: () =>
    attack(async (run) => {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      let accepted = 0;
      const accepting = (async () => {
        try {
          for await (const conn of listener) {
            accepted++;
            conn.close();
          }
        } catch { /* closed */ }
      })();
      const r = result(
        await run({
          code: "import socket\ntry:\n  socket.create_connection(('127.0.0.1', " +
            `${listener.addr.port}), timeout=3)\n  print('connected')\n` +
            "except OSError as e:\n  print('refused', type(e).__name__)",
        }),
      );
      assert.match(r.stdout, /^refused /);
      listener.close();
      await accepting;
      assert.equal(accepted, 0);
    }),
});

Deno.test({
  name: "code sees neither other sessions, the worker's state, nor the worker's files",
  ignore,
  fn: () =>
    attack(async (run, ctx, root) => {
      const other = await root.ctx("s2");
      await Deno.writeTextFile(`${other.workspace}/secret.txt`, "s2 secret");
      await Deno.writeTextFile(`${ctx.stateDir}/state.txt`, "worker state");
      const paths = [
        other.workspace,
        `${other.workspace}/secret.txt`,
        ctx.stateDir,
        root.root,
        Deno.cwd(),
      ];
      const r = result(
        await run({
          code:
            "import json, os, sys\nprint(json.dumps([os.path.exists(p) for p in sys.argv[1:]]))\n" +
            "print(json.dumps(sorted(os.listdir('/'))))\nprint(os.path.exists('/etc/passwd'))",
          args: paths,
        }),
      );
      const [exists, top, passwd] = r.stdout.trim().split("\n");
      assert.deepEqual(JSON.parse(exists!), paths.map(() => false));
      assert.deepEqual(
        JSON.parse(top!).filter((n: string) =>
          !["bin", "lib", "lib32", "lib64", "libx32", "sbin"].includes(n)
        ),
        ["dev", "etc", "proc", "tmp", "usr", "workspace"],
      );
      assert.equal(passwd, "False");
    }),
});

Deno.test({
  name: "code cannot write outside the workspace and /tmp",
  ignore,
  fn: () =>
    attack(async (run) => {
      const r = result(
        await run({
          code: "import sys\nfor p in sys.argv[1:]:\n  try:\n    open(p, 'w').write('x')\n" +
            "    print(p, 'written')\n  except OSError as e:\n    print(p, type(e).__name__)",
          args: ["/usr/evil", "/evil", "/etc/evil", "/workspace/fine", "/tmp/fine"],
        }),
      );
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 5);
      for (const line of lines.slice(0, 3)) assert.doesNotMatch(line, /written/, line);
      assert.deepEqual(lines.slice(3), ["/workspace/fine written", "/tmp/fine written"]);
    }),
});

Deno.test({
  name: "code cannot gain root in a user namespace of its own",
  ignore: ignore || !(await sandboxSupport()).nestedUserns && Deno.uid() === 0,
  fn: () =>
    attack(async (run) => {
      const r = result(
        await run({
          code: "import subprocess\np = subprocess.run(['unshare', '-Ur', 'id', '-u'], " +
            "capture_output=True, text=True)\nprint(p.returncode != 0, repr(p.stdout))",
        }),
      );
      assert.equal(r.stdout, "True ''\n", r.stderr);
    }),
});

Deno.test({
  name: "cancelling a run kills its whole process tree within a second",
  ignore,
  fn: () =>
    attack(async (_run, _ctx, root, rt) => {
      const name = `cgcx${crypto.randomUUID().slice(0, 8)}`;
      const controller = new AbortController();
      let ready!: () => void;
      const started = new Promise<void>((r) => ready = r);
      const ctx = await root.ctx("s1", { signal: controller.signal });
      ctx.emit = (e) => {
        if (e.type === "log" && e.data.includes("ready")) ready();
      };
      const running = rt.runPython(ctx, {
        code: `import os, time\nopen('/proc/self/comm', 'w').write('${name}')\n` +
          `if os.fork() == 0:\n  open('/proc/self/comm', 'w').write('${name}')\n  time.sleep(60)\n` +
          "print('ready', flush=True)\ntime.sleep(60)",
      });
      await started;
      assert.equal((await pidsNamed(name)).length, 2, "both processes run before the cancel");
      const t0 = performance.now();
      controller.abort();
      const out = await running;
      const elapsed = performance.now() - t0;
      assert.ok(!out.ok && out.error.code === "CANCELLED", JSON.stringify(out));
      assert.deepEqual(await pidsNamed(name), []);
      assert.ok(elapsed < 1_000, `cancelled in ${elapsed} ms`);
    }),
});

Deno.test({
  name: "modules in the workspace named like the trusted code's imports never run in it",
  ignore,
  fn: () =>
    attack(async (run, ctx) => {
      // python3 -c looks in its working directory first: a module there would run in the fork
      // server or the kernel's supervisor, where it could frame a call's end as it liked
      const names = ["json", "ctypes", "fcntl", "select", "signal", "termios", "resource"];
      for (const name of names) {
        await Deno.writeTextFile(
          `${ctx.workspace}/${name}.py`,
          `open("ran-${name}", "w").close()\n`,
        );
      }
      await Deno.writeTextFile(`${ctx.workspace}/mine.py`, "X = 5\n");
      for (const stateful of [false, true]) {
        // user code still imports from the workspace, as python3 -c does
        const out = result(await run({ stateful, code: "import mine\nprint(mine.X)" }));
        assert.equal(out.stdout, "5\n", out.stderr);
        assert.equal(out.exit_code, 0);
      }
      const ran = [];
      for await (const entry of Deno.readDir(ctx.workspace)) {
        if (entry.name.startsWith("ran-")) ran.push(entry.name);
      }
      assert.deepEqual(ran, []);
    }),
});
