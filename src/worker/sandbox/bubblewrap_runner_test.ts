import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import {
  pidsNamed,
  pidsWithArgument,
  pythonSpec,
  withoutBubblewrap,
  withWorkspace,
} from "./testing.ts";
import { BubblewrapRunner } from "./bubblewrap_runner.ts";
import { MAX_OPEN_FILES } from "./bwrap_args.ts";

const ignore = await withoutBubblewrap();

const spec = pythonSpec;

Deno.test({
  name: "BubblewrapRunner.run() separates stdout and stderr, passes stdin and the exit code",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const chunks: string[] = [];
      const result = await runner.run(spec(
        ws,
        "import sys; print(sys.stdin.read().upper()); print('oops', file=sys.stderr); sys.exit(3)",
        { stdin: "hello", onOutput: (_s, t) => chunks.push(t) },
      ));
      assert.equal(result.stdout, "HELLO\n");
      assert.equal(result.stderr, "oops\n");
      assert.equal(result.exitCode, 3);
      assert.equal(result.timedOut, false);
      assert.ok(chunks.join("").includes("HELLO"));
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() sees only its environment and writes the workspace",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const result = await runner.run(spec(
        ws,
        "import os; print(sorted(os.environ)); open('/workspace/out.txt', 'w').write('x')",
      ));
      assert.equal(result.exitCode, 0, result.stderr);
      // bwrap adds PWD for --chdir; nothing of the worker's environment gets in
      assert.equal(result.stdout, "['HOME', 'LANG', 'PATH', 'PWD']\n");
      assert.equal(await Deno.readTextFile(`${ws}/out.txt`), "x");
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() kills the whole tree when the timeout is reached",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const name = `cgto${crypto.randomUUID().slice(0, 8)}`;
      const result = await runner.run(spec(
        ws,
        `import os, time\nif os.fork() == 0:\n  open('/proc/self/comm', 'w').write('${name}')\n` +
          `  time.sleep(60)\ntime.sleep(60)`,
        { timeoutMs: 500 },
      ));
      assert.equal(result.timedOut, true);
      assert.deepEqual(await pidsNamed(name), []);
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() caps each stream and keeps draining so the child finishes",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const result = await runner.run(spec(
        ws,
        "import sys; sys.stdout.write('x' * 5_000_000); sys.stderr.write('e' * 100)",
      ));
      assert.equal(result.exitCode, 0);
      assert.equal(result.truncated, true);
      assert.equal(result.stdout.length, 4096);
      assert.equal(result.stderr, "e".repeat(100));
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() stops a busy loop at the CPU-seconds limit",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const runner = new BubblewrapRunner();
      const base = spec(ws, "while True: pass", { timeoutMs: 15_000 });
      const result = await runner.run({ ...base, limits: { ...base.limits, cpuSeconds: 1 } });
      assert.equal(result.timedOut, false, "the rlimit, not the wall clock, ended it");
      assert.notEqual(result.exitCode, 0);
      assert.ok(result.durationMs < 10_000);
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() with network: true reaches the host's loopback, without it not",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const accepted = listener.accept();
      const code = "import socket, sys\ntry:\n  socket.create_connection(('127.0.0.1', " +
        `${listener.addr.port}), timeout=5).close()\n  print('connected')\n` +
        "except OSError:\n  print('refused')";
      const runner = new BubblewrapRunner();
      const closed = await runner.run(spec(ws, code));
      assert.equal(closed.stdout, "refused\n");
      const open = await runner.run(spec(ws, code, { network: true }));
      assert.equal(open.stdout, "connected\n", open.stderr);
      (await accepted).close();
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() bounds how many files each process may hold open",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const code = "import os\nfds = []\ntry:\n  while len(fds) < 100_000:\n" +
        "    fds.append(os.open('/dev/null', os.O_RDONLY))\nexcept OSError as e:\n" +
        "  print(len(fds), e.strerror)";
      const result = await new BubblewrapRunner().run(spec(ws, code));
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(
        result.stdout.trim(),
        `${MAX_OPEN_FILES - 3} Too many open files`,
        "all but stdin, stdout and stderr",
      );
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() starts a non-Python command with default signal actions",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      // the descriptor closer is Python, which ignores SIGPIPE and SIGXFSZ for itself
      const result = await new BubblewrapRunner().run({
        ...spec(ws, ""),
        argv: ["sh", "-c", "grep SigIgn /proc/self/status"],
      });
      assert.equal(result.exitCode, 0, result.stderr);
      const ignored = BigInt(`0x${result.stdout.trim().split(/\s+/)[1]}`);
      for (const signal of [13, 25]) assert.equal((ignored >> BigInt(signal - 1)) & 1n, 0n);
    }),
});

Deno.test({
  name: "BubblewrapRunner.run() makes the sandbox's processes the OOM killer's first pick",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const result = await new BubblewrapRunner().run({
        ...spec(ws, ""),
        argv: ["sh", "-c", "cat /proc/self/oom_score_adj"],
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.trim(), "1000");
    }),
});

Deno.test({
  name:
    "a sandbox killed as it starts leaves no process behind, even from a thread that runs only bwrap",
  ignore,
  fn: () =>
    withWorkspace(async (ws) => {
      const script = new URL("./testdata/kill_at_start.ts", import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-run=bwrap", "--allow-read", "--allow-sys=uid", script, ws, "20"],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      // the sandboxes' own pid namespaces die with their init; wait for the last to go (up to
      // 15 s: on a loaded machine, as under the whole parallel suite, 5 s was seen to fall short)
      let left: number[] = [];
      for (let i = 0; i < 150; i++) {
        left = await pidsWithArgument(ws);
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const pid of left) Deno.kill(pid, "SIGKILL");
      assert.deepEqual(left, [], "sandboxes outlived the kill");
    }),
});

Deno.test({
  name: "ensureOwnership() re-owns the workspace for the sandbox uid but never a link's target",
  ignore: ignore || Deno.uid() !== 0,
  fn: () =>
    withWorkspace(async (ws) => {
      const outside = await Deno.makeTempFile({ prefix: "codegen-host-file-" });
      try {
        await Deno.writeTextFile(`${ws}/mine.txt`, "x");
        await Deno.symlink(outside, `${ws}/evil`);
        const runner = new BubblewrapRunner();
        await runner.ensureOwnership(ws);
        const uid = runner.sandboxUid(ws)!;
        assert.equal((await Deno.lstat(`${ws}/mine.txt`)).uid, uid);
        assert.equal((await Deno.lstat(`${ws}/evil`)).uid, uid);
        assert.equal((await Deno.lstat(outside)).uid, 0, "the host file keeps its owner");
      } finally {
        await Deno.remove(outside);
      }
    }),
});

Deno.test("BubblewrapRunner refuses with SANDBOX_UNAVAILABLE when bubblewrap is unusable", async () => {
  const runner = new BubblewrapRunner({
    support: () => Promise.resolve({ available: false, nestedUserns: false, seccomp: false }),
  });
  await assert.rejects(
    runner.run(spec("/nonexistent", "print(1)")),
    (err: unknown) =>
      err instanceof CodegenError && err.code === "SANDBOX_UNAVAILABLE" &&
      err.message.includes("--insecure-no-sandbox"),
  );
});
