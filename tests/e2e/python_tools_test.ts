import assert from "node:assert/strict";
import { startTestCoordinator } from "../support/in_memory.ts";
import { skipWithout } from "../support/requirements.ts";
import { type CallToolResult, resultText } from "../support/sdk_client.ts";

const ignore = skipWithout("bwrap");

/** Whether no process has `marker` in its command line (pgrep; Deno reads /proc only with -A). */
async function processGone(marker: string): Promise<boolean> {
  const out = await new Deno.Command("pgrep", {
    args: ["-f", marker],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.code === 1;
}

Deno.test({
  name: "run.python through MCP: output, exit codes, logging notifications and progress",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    const logs: string[] = [];
    client.setNotificationHandler(
      (await import("../support/sdk_client.ts")).LoggingMessageNotificationSchema,
      (n) => void logs.push(String(n.params.data)),
    );
    await client.setLoggingLevel("debug");
    const ok = await client.callTool({
      name: "run.python",
      arguments: { code: "print('hello')\nimport sys; print('oops', file=sys.stderr)" },
    });
    const s = ok.structuredContent as { stdout: string; stderr: string; exit_code: number };
    assert.equal(s.stdout, "hello\n");
    assert.equal(s.stderr, "oops\n");
    assert.equal(s.exit_code, 0);
    assert.ok(logs.some((l) => l.includes("hello")), "stdout streamed as logging messages");

    const fail = await client.callTool({
      name: "run.python",
      arguments: { code: "raise SystemExit(3)" },
    });
    assert.equal(fail.isError, true);
    assert.equal(
      (fail.structuredContent as { exit_code: number }).exit_code,
      3,
      "full result kept on failure",
    );

    const progress: number[] = [];
    await client.callTool(
      {
        name: "run.python",
        arguments: {
          code: "import time\nfor i in range(3):\n    print(i, flush=True); time.sleep(0.4)",
        },
      },
      undefined,
      { onprogress: (p) => void progress.push(p.progress) },
    );
    assert.ok(progress.length >= 1, "progress notifications while it runs");
  },
});

Deno.test({
  name: "run.python cancelled from the MCP client: its whole process tree is gone within 1 s",
  // pgrep finds the processes a run left behind
  ignore: skipWithout("bwrap", "pgrep"),
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    // the run starts a child whose command line carries a marker we can look for in /proc
    const marker = `cancel_marker_${crypto.randomUUID().replaceAll("-", "")}`;
    const code = "import subprocess, sys\n" +
      `p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '${marker}'])\n` +
      "print('up', flush=True)\np.wait()";
    const controller = new AbortController();
    const started = Promise.withResolvers<void>();
    const call = client.callTool(
      { name: "run.python", arguments: { code } },
      undefined,
      { signal: controller.signal, onprogress: () => started.resolve(), timeout: 60_000 },
    );
    const settled = call.then(() => "resolved", () => "rejected");
    await started.promise;
    for (let i = 0; i < 100 && await processGone(marker); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await processGone(marker), false, "the run's child is alive before cancelling");
    const t0 = performance.now();
    controller.abort();
    assert.equal(await settled, "rejected");
    let gone = false;
    while (performance.now() - t0 < 1_000 && !(gone = await processGone(marker))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(gone, `process still present ${Math.round(performance.now() - t0)} ms after cancel`);
  },
});

Deno.test({
  name: "async: true returns a task id at once; task.status, task.result and task.cancel manage it",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    const logs: string[] = [];
    client.setNotificationHandler(
      (await import("../support/sdk_client.ts")).LoggingMessageNotificationSchema,
      (n) => void logs.push(String(n.params.data)),
    );
    await client.setLoggingLevel("debug");
    const started = await client.callTool({
      name: "run.python",
      arguments: { code: "import time; time.sleep(0.5); print(6*7)", async: true },
    });
    const { task_id, status } = started.structuredContent as { task_id: string; status: string };
    assert.equal(status, "running");
    let result: { status: string; result?: { stdout: string } } | undefined;
    for (let i = 0; i < 200; i++) {
      const r = await client.callTool({ name: "task.result", arguments: { task_id } });
      result = r.structuredContent as typeof result;
      if (result?.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(result?.status, "completed");
    assert.equal(result?.result?.stdout, "42\n");
    // a background run streams nothing: its output is in task.result
    assert.deepEqual(logs.filter((l) => l.includes("42")), []);
    // the run's own record says it ran in the background, and as which task
    const runs = t.audit.records.filter((r) => r.tool === "run.python");
    assert.deepEqual(runs.map((r) => [r.arguments.async, r.arguments.task_id]), [
      [true, undefined],
      [true, task_id],
    ]);

    const slow = await client.callTool({
      name: "run.python",
      arguments: { code: "import time; time.sleep(60)", async: true },
    });
    const slowId = (slow.structuredContent as { task_id: string }).task_id;
    const cancelled = await client.callTool({
      name: "task.cancel",
      arguments: { task_id: slowId },
    });
    assert.equal((cancelled.structuredContent as { status: string }).status, "cancelled");
    const st = await client.callTool({ name: "task.status", arguments: { task_id: slowId } });
    assert.equal((st.structuredContent as { status: string }).status, "cancelled");

    // another connection cannot see this session's tasks
    const other = await t.connect();
    const foreign = await other.client.callTool({ name: "task.status", arguments: { task_id } });
    assert.equal(foreign.isError, true);
    assert.match(resultText(foreign), /^NOT_FOUND: /);
  },
});

Deno.test({
  name:
    "stateful run.python keeps variables; artifact.get returns a PNG the code wrote as image content",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    await client.callTool({ name: "run.python", arguments: { code: "x = 41", stateful: true } });
    const r = await client.callTool({
      name: "run.python",
      arguments: { code: "print(x + 1)", stateful: true },
    });
    assert.equal((r.structuredContent as { stdout: string }).stdout, "42\n");

    // a 1x1 PNG written byte by byte by the code itself
    const png =
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf" +
      "c0f01f0005000201" + "a5f0c2b00000000049454e44ae426082";
    const made = await client.callTool({
      name: "run.python",
      arguments: { code: `open('dot.png','wb').write(bytes.fromhex('${png}'))` },
    });
    const artifacts =
      (made.structuredContent as { artifacts: { path: string; change: string }[] }).artifacts;
    assert.deepEqual(artifacts.map((a) => [a.path, a.change]), [["dot.png", "created"]]);
    const art = await client.callTool({ name: "artifact.get", arguments: { path: "dot.png" } });
    const content = (art as CallToolResult).content[0] as {
      type: string;
      mimeType: string;
      data: string;
    };
    assert.equal(content.type, "image");
    assert.equal(content.mimeType, "image/png");
    const bytes = Uint8Array.from(atob(content.data), (c) => c.charCodeAt(0));
    assert.equal(
      Array.from(bytes.slice(0, 8)).map((b) => b.toString(16).padStart(2, "0")).join(""),
      "89504e470d0a1a0a",
    );
  },
});

Deno.test({
  name: "a session whose code is still running does not expire, however long it runs",
  ignore,
  async fn() {
    await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
    const { client } = await t.connect();
    await client.callTool({ name: "fs.write", arguments: { path: "keep.txt", contents: "a" } });
    const code = "import time\nprint('started', flush=True)\ntime.sleep(1.5)\n" +
      "print(open('keep.txt').read())";
    const running = client.callTool({ name: "run.python", arguments: { code } });
    await new Promise((r) => setTimeout(r, 700)); // the sandbox has started the code
    t.clock.advance(11 * 60_000); // idle since its start, by the clock
    assert.deepEqual(await t.coordinator.deps.sessions.expire(), [], "in use");
    const done = await running;
    assert.equal(
      (done.structuredContent as { stdout: string }).stdout,
      "started\na\n",
      resultText(done),
    );
    t.clock.advance(5 * 60_000);
    assert.deepEqual(await t.coordinator.deps.sessions.expire(), [], "idle again from the end");
  },
});

Deno.test({
  name: "a run killed at the CPU limit says which signal, and the kill is counted by reason",
  ignore,
  async fn() {
    await using t = await startTestCoordinator({ SANDBOX_CPU_SECONDS: "1" });
    const { client } = await t.connect();
    const spin = await client.callTool({
      name: "run.python",
      arguments: { code: "while True: pass", timeout_seconds: 20 },
    });
    const result = spin.structuredContent as { signal?: string; timed_out: boolean };
    assert.equal(result.signal, "SIGXCPU", resultText(spin));
    assert.equal(result.timed_out, false);
    const segv = await client.callTool({
      name: "run.python",
      arguments: { code: "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)" },
    });
    assert.equal((segv.structuredContent as { signal?: string }).signal, "SIGSEGV");
    const metrics = (await t.coordinator.metrics.render()).body;
    assert.match(metrics, /codegen_sandbox_kills_total\{reason="cpu"\} 1/);
    assert.match(metrics, /codegen_sandbox_kills_total\{reason="signal"\} 1/);
  },
});

Deno.test({
  name: "stateful run.python calls sent together on a new connection run in the order sent",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    const call = (code: string) =>
      client.callTool({ name: "run.python", arguments: { code, stateful: true } });
    // the first call also waits for the session to be placed: the others must not pass it
    const [, second, third] = await Promise.all([
      call("x = 41"),
      call("print(x + 1)"),
      call("x += 1; print(x)"),
    ]);
    assert.equal(
      (second!.structuredContent as { stdout: string }).stdout,
      "42\n",
      resultText(second),
    );
    assert.equal(
      (third!.structuredContent as { stdout: string }).stdout,
      "42\n",
      resultText(third),
    );
  },
});

Deno.test({
  name: "run.python refuses text that is not Unicode (a lone surrogate) before anything runs",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    const marker = "open('ran.txt', 'w').write('x')\n";
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ code: `${marker}x='a\ud800b'\nprint(1)` }, "code"],
      [{ code: marker, stdin: "a\ud800b" }, "stdin"],
      [{ code: marker, stdin: "a\ud800b", stateful: true }, "stdin"],
      [{ code: marker, args: ["ok", "\udc00"] }, "args[1]"],
      [{ code: marker, env: { K: "\ud800" } }, 'env["K"]'],
    ];
    for (const [args, name] of refusals) {
      const r = await client.callTool({ name: "run.python", arguments: args });
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.ok(
        resultText(r).startsWith(`INVALID_ARGUMENT: Invalid ${name}: a lone surrogate`),
        resultText(r),
      );
    }
    const ls = await client.callTool({ name: "fs.list", arguments: {} });
    assert.deepEqual((ls.structuredContent as { entries: unknown[] }).entries, [], "nothing ran");
  },
});

Deno.test({
  name: "background runs of one session run at once, each with its own process limit",
  ignore,
  async fn() {
    await using t = await startTestCoordinator({ SANDBOX_MAX_PROCESSES: "8" });
    const { client } = await t.connect();
    await client.callTool({ name: "fs.write", arguments: { path: "up/.keep", contents: "" } });
    const runs = 8;
    // every run waits (boundedly) until all are up: together they need three times
    // SANDBOX_MAX_PROCESSES, as each sandbox holds its launcher, fork server and run
    const code = "import os, time\nopen('up/' + os.urandom(8).hex(), 'w').close()\n" +
      "deadline = time.monotonic() + 30\n" +
      `while len(os.listdir('up')) < ${runs + 1} and time.monotonic() < deadline:\n` +
      "  time.sleep(0.05)\nprint(len(os.listdir('up')) - 1)";
    const ids: string[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await client.callTool({
        name: "run.python",
        arguments: { code, async: true, timeout_seconds: 60 },
      });
      ids.push((r.structuredContent as { task_id: string }).task_id);
    }
    for (const task_id of ids) {
      let result: { status: string; result?: { stdout: string } } | undefined;
      for (let i = 0; i < 1200; i++) {
        const r = await client.callTool({ name: "task.result", arguments: { task_id } });
        result = r.structuredContent as typeof result;
        if (result?.status !== "running") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(result?.status, "completed", JSON.stringify(result));
      assert.equal(result?.result?.stdout, `${runs}\n`, "all were up at once");
    }
  },
});
