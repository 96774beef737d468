/**
 * An HTTP coordinator stopped by SIGTERM (a rolling update) lets the calls already running
 * finish before it exits, and refuses new sessions meanwhile.
 */
import assert from "node:assert/strict";
import { INITIALIZE_BODY, POST_HEADERS } from "../../src/mcp/http/_testing.ts";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import { skipWithout } from "../support/requirements.ts";
import { resultText } from "../support/sdk_client.ts";

Deno.test({
  name: "http: SIGTERM lets a running call finish, refuses new sessions meanwhile, then exits 0",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using c = await startHttpCoordinator();
    const client = await connectMcp(c.url, "drain-test");
    try {
      const code = "import time\nopen('started', 'w').close()\ntime.sleep(2)\nprint('done')";
      const call = client.callTool({ name: "run.python", arguments: { code } });
      const deadline = Date.now() + 15_000;
      const waiting = () => /Stopping: waiting up to 30 s for 1 running call/.test(c.log());
      // the run is under way once its file is in the session's workspace
      while (Date.now() < deadline && !(await started(`${c.dir}/ws/sessions`))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const stoppedAt = Date.now();
      c.process.kill("SIGTERM");
      while (Date.now() < deadline && !waiting()) await new Promise((r) => setTimeout(r, 50));
      assert.ok(waiting(), c.log());

      const fresh = await fetch(`${c.url}/mcp`, {
        method: "POST",
        headers: POST_HEADERS,
        body: INITIALIZE_BODY,
      });
      assert.equal(fresh.status, 503);
      assert.match(await fresh.text(), /Server is shutting down/);

      const result = await call;
      assert.equal(result.isError, undefined, resultText(result));
      assert.equal((result.structuredContent as { stdout: string }).stdout, "done\n");
      const status = await c.process.status;
      assert.equal(status.code, 0);
      assert.ok(Date.now() - stoppedAt < 10_000, "it exits once the call is answered");
    } finally {
      await client.close().catch(() => {});
    }
  },
});

Deno.test({
  name: "http: a call still running when the server stops is answered CANCELLED, not dropped",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using c = await startHttpCoordinator();
    const client = await connectMcp(c.url, "drain-cancel-test");
    try {
      const code = "import time\nopen('started', 'w').close()\ntime.sleep(60)";
      const call = client.callTool({ name: "run.python", arguments: { code } }).then(
        () => "answered with a result",
        (err: Error) => err.message,
      );
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !(await started(`${c.dir}/ws/sessions`))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const waiting = () => /Stopping: waiting up to 30 s for 1 running call/.test(c.log());
      c.process.kill("SIGTERM");
      while (Date.now() < deadline && !waiting()) await new Promise((r) => setTimeout(r, 50));
      assert.ok(waiting(), c.log());
      c.process.kill("SIGTERM"); // a second signal: stop at once
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        call,
        new Promise<string>((r) => timer = setTimeout(() => r("no answer within 15 s"), 15_000)),
      ]);
      clearTimeout(timer);
      assert.match(outcome, /-32000.*CANCELLED: the server stopped before this request finished/);
      assert.equal((await c.process.status).code, 0);
    } finally {
      await client.close().catch(() => {});
    }
  },
});

Deno.test({
  name: "http: a stop ends the live sessions and removes their workspaces before it exits",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using c = await startHttpCoordinator();
    const client = await connectMcp(c.url, "stop-cleanup-test");
    try {
      const ran = await client.callTool({
        name: "run.python",
        arguments: { code: "open('kept.txt', 'w').write('x')" },
      });
      assert.equal(ran.isError, undefined, resultText(ran));
      assert.equal((await entries(`${c.dir}/ws/sessions`)).length, 1);
      c.process.kill("SIGTERM");
      assert.equal((await c.process.status).code, 0);
      for (const dir of ["sessions", "state"]) {
        assert.deepEqual(await entries(`${c.dir}/ws/${dir}`), [], `${dir}: ${c.log()}`);
      }
    } finally {
      await client.close().catch(() => {});
    }
  },
});

async function entries(dir: string): Promise<string[]> {
  const names = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names;
}

// Whether a session directory under `root` holds the run's `started` file.
async function started(root: string): Promise<boolean> {
  try {
    for await (const dir of Deno.readDir(root)) {
      if (!dir.isDirectory) continue;
      const found = await Deno.lstat(`${root}/${dir.name}/started`).then(() => true, () => false);
      if (found) return true;
    }
  } catch { /* not created yet */ }
  return false;
}
