import assert from "node:assert/strict";
import { settlesWithin } from "../../core/mod.ts";
import { skipWithout } from "../../../tests/support/requirements.ts";

const CHILD = new URL("./testdata/fd_limited_server.ts", import.meta.url).pathname;
// open files the child may hold: its own few dozen, then connections until none is left
const NOFILE = 128;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return text.trim();
}

async function healthz(port: number): Promise<number | string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(1_000),
    });
    await res.body?.cancel();
    return res.status;
  } catch (err) {
    return String(err);
  }
}

Deno.test({
  name: "idle connections that use up the open-file limit neither crash the HTTP front nor " +
    "stop it for good",
  ignore: skipWithout("prlimit"),
  async fn() {
    const child = new Deno.Command("prlimit", {
      args: [
        `--nofile=${NOFILE}:${NOFILE}`,
        Deno.execPath(),
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-env",
        CHILD,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const conns: Deno.TcpConn[] = [];
    try {
      const port = Number(await firstLine(child.stdout));
      assert.ok(port > 0, "the child did not say its port");
      // a client that opens connections and sends nothing: each holds one of the child's files
      for (let i = 0; i < NOFILE * 2; i++) {
        try {
          conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
        } catch {
          break; // the listener is gone for now
        }
      }
      // the listener fails to accept past the limit; give the failure time to surface
      await new Promise((r) => setTimeout(r, 1_000));
      if (await settlesWithin(child.status, 500)) {
        assert.fail(`the server process died:\n${(await stderr).slice(-2_000)}`);
      }
      for (const conn of conns.splice(0)) conn.close();
      // it listens again: a client that comes later is served
      let status: number | string = "never tried";
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await healthz(port);
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(status, 200);
    } finally {
      for (const conn of conns) conn.close();
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await stderr;
    }
  },
});
