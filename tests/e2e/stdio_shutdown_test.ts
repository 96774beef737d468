import assert from "node:assert/strict";
import { spawnStdioMain } from "../support/run_main.ts";
import { skipWithout } from "../support/requirements.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";

interface Reply {
  id?: number;
  result?: { structuredContent?: { stdout?: string; exit_code?: number } };
  error?: { code: number; message: string };
}

/** A coordinator over stdio with its stdin, and its stdout read as JSON-RPC messages. */
function spawnStdio(dir: string) {
  const child = spawnStdioMain(dir);
  const writer = child.stdin.getWriter();
  const replies: Reply[] = [];
  let wake = () => {};
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line.trim()) replies.push(JSON.parse(line));
      wake();
    }
  })();
  return {
    child,
    replies,
    send: (...messages: unknown[]) =>
      writer.write(
        new TextEncoder().encode(messages.map((m) => JSON.stringify(m) + "\n").join("")),
      ),
    closeStdin: () => writer.close(),
    /** Waits (at most `ms`) for the reply with this id. */
    async reply(id: number, ms = 30_000): Promise<Reply | undefined> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = replies.find((r) => r.id === id);
        if (found) return found;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
      return undefined;
    },
    /** Waits for the exit (killing the child after `ms`) and the end of its stdout. */
    async exit(ms = 60_000): Promise<Deno.CommandStatus> {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      const status = await child.status;
      clearTimeout(timer);
      await reading;
      return status;
    },
  };
}

function runPython(id: number, code: string) {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "run.python", arguments: { code, timeout_seconds: 120 } },
  };
}

const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" };

Deno.test({
  name: "stdio: a call still running long after stdin closed is answered before the process exits",
  ignore: skipWithout("bwrap"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "stdio-end-" });
    const stdio = spawnStdio(dir);
    try {
      // longer than the 10 s the server used to wait for running calls
      await stdio.send(
        JSON.parse(INITIALIZE_BODY),
        INITIALIZED,
        runPython(2, "import time\ntime.sleep(12)\nprint('slept')"),
      );
      await stdio.closeStdin();
      const status = await stdio.exit();
      assert.equal(status.code, 0);
      const answer = stdio.replies.find((r) => r.id === 2);
      assert.ok(answer, `no answer for the call: ${JSON.stringify(stdio.replies)}`);
      assert.equal(answer.result?.structuredContent?.stdout, "slept\n", JSON.stringify(answer));
    } finally {
      try {
        stdio.child.kill("SIGKILL");
      } catch { /* exited */ }
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "stdio: stopped by a signal, the server answers a call still running CANCELLED first",
  ignore: skipWithout("bwrap"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "stdio-term-" });
    const stdio = spawnStdio(dir);
    try {
      await stdio.send(
        JSON.parse(INITIALIZE_BODY),
        INITIALIZED,
        runPython(2, "import time\ntime.sleep(100)"),
        { jsonrpc: "2.0", id: 3, method: "ping" },
      );
      // lines are read in order: once the ping is answered, the call has been read
      assert.ok(await stdio.reply(3), "no answer to ping");
      stdio.child.kill("SIGTERM");
      const status = await stdio.exit();
      assert.equal(status.code, 0);
      const answer = stdio.replies.find((r) => r.id === 2);
      assert.match(answer?.error?.message ?? "", /^CANCELLED: /, JSON.stringify(stdio.replies));
    } finally {
      try {
        stdio.child.kill("SIGKILL");
      } catch { /* exited */ }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
