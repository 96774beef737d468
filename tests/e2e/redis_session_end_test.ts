// Sessions whose connection closes while Redis is down end all the same: their workspace is
// removed (and a remote worker's slot freed), with nothing left for a sweep to find.
import assert from "node:assert/strict";
import {
  sessionWorkspaces as workspaces,
  startHttpCoordinator,
} from "../support/http_coordinator.ts";
import { ignoreWithoutRedis, startRedisServer } from "../support/redis_server.ts";
import { Client, StreamableHTTPClientTransport } from "../support/sdk_client.ts";

const ignore = ignoreWithoutRedis();

/** A client that wrote a file, so its session has a workspace; and its transport. */
async function writer(url: string, name: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(transport);
  const wrote = await client.callTool({
    name: "fs.write",
    arguments: { path: "a.txt", contents: name },
  });
  assert.ok(!wrote.isError, JSON.stringify(wrote));
  return { client, transport };
}

/** Waits (bounded) until `check` holds. */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

Deno.test({
  name: "HTTP on Redis: a session DELETEd while Redis is down ends, its workspace removed",
  ignore,
  async fn() {
    const redis = await startRedisServer();
    try {
      await using server = await startHttpCoordinator({ env: { REDIS_URL: redis.url } });
      const { client, transport } = await writer(server.url, "alice");
      assert.equal((await workspaces(server.dir)).length, 1);
      await redis.close();
      await transport.terminateSession(); // answered 200, else it throws
      await client.close();
      const gone = await eventually(async () => (await workspaces(server.dir)).length === 0);
      assert.ok(gone, `workspace left behind:\n${server.log()}`);
      // logged once the removal is done: its line may reach stderr a moment after
      const ended = /"message":"Session [^ ]+ ended \(\\"closed\\"\)"/;
      assert.ok(await eventually(() => Promise.resolve(ended.test(server.log())), 5_000));
    } finally {
      await redis.close();
    }
  },
});

Deno.test({
  name: "HTTP on Redis: a stop while Redis is down removes every open session's workspace",
  ignore,
  async fn() {
    const redis = await startRedisServer();
    try {
      await using server = await startHttpCoordinator({ env: { REDIS_URL: redis.url } });
      const clients = [await writer(server.url, "alice"), await writer(server.url, "bob")];
      assert.equal((await workspaces(server.dir)).length, 2);
      await redis.close();
      server.process.kill("SIGTERM");
      await server.process.status;
      assert.deepEqual(await workspaces(server.dir), [], `left behind:\n${server.log()}`);
      for (const { client } of clients) await client.close().catch(() => {});
    } finally {
      await redis.close();
    }
  },
});
