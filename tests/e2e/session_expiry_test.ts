import assert from "node:assert/strict";
import { startTestCoordinator } from "../support/in_memory.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("SessionManager.expire() removes sessions idle past SESSION_MAX_AGE and their workspaces", async () => {
  await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
  const a = await t.connect();
  const b = await t.connect();
  await a.client.callTool({ name: "fs.write", arguments: { path: "keep.txt", contents: "a" } });
  await b.client.callTool({ name: "fs.write", arguments: { path: "keep.txt", contents: "b" } });
  const infoA = (await a.client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as {
      session_id: string;
    };
  const infoB = (await b.client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as {
      session_id: string;
    };
  const wsA = `${t.config.workspaceRoot}/sessions/${infoA.session_id}`;
  const wsB = `${t.config.workspaceRoot}/sessions/${infoB.session_id}`;
  assert.ok(await exists(`${wsA}/keep.txt`));
  assert.ok(await exists(`${wsB}/keep.txt`));

  t.clock.advance(6 * 60_000);
  await b.client.callTool({ name: "echo", arguments: { message: "still here" } }); // b stays active
  t.clock.advance(5 * 60_000); // a idle 11 min, b idle 5 min
  const expired = await t.coordinator.deps.sessions.expire();

  assert.deepEqual(expired, [infoA.session_id]);
  assert.equal(await exists(wsA), false, "expired workspace removed");
  assert.ok(await exists(`${wsB}/keep.txt`), "active session untouched");
  assert.equal(await t.coordinator.deps.sessions.count(), 1);

  // the expired connection gets a fresh, empty session on its next call
  const again = await a.client.callTool({ name: "fs.read", arguments: { path: "keep.txt" } });
  assert.equal(again.isError, true);
});

Deno.test("a connection that never calls a tool has a session from its start, which expires", async () => {
  await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
  await t.connect();
  const sessions = t.coordinator.deps.sessions;
  // opened when the client says it is initialized, without waiting for a tool call
  for (let i = 0; i < 100 && (await sessions.count()) === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(await sessions.count(), 1);
  t.clock.advance(11 * 60_000);
  assert.equal((await sessions.expire()).length, 1);
  assert.equal(await sessions.count(), 0);
});

Deno.test("the first call after a session expired says so, once", async () => {
  await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "keep.txt", contents: "a" } });
  t.clock.advance(11 * 60_000);
  assert.equal((await t.coordinator.deps.sessions.expire()).length, 1);

  const texts = (r: unknown) =>
    (r as { content: { type: string; text?: string }[] }).content.map((c) => c.text ?? "");
  const gone = texts(await client.callTool({ name: "fs.read", arguments: { path: "keep.txt" } }));
  assert.match(gone[0]!, /^NOT_FOUND: /, "the code stays first");
  assert.match(
    gone[1]!,
    /^Session "[^"]+" expired after 10m without use and its files were removed/,
  );
  for (
    const call of [{ name: "fs.write", arguments: { path: "b.txt", contents: "b" } }, {
      name: "fs.read",
      arguments: { path: "b.txt" },
    }]
  ) {
    const next = texts(await client.callTool(call));
    assert.ok(!next.join("\n").includes("expired"), `told once, not again on ${call.name}`);
  }
});

Deno.test("a call that never needs the session still carries the note of its expiry", async () => {
  await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "keep.txt", contents: "a" } });
  t.clock.advance(11 * 60_000);
  await t.coordinator.deps.sessions.expire();
  const echo = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  const text = (echo.content as { text?: string }[]).map((c) => c.text ?? "").join("\n");
  assert.match(text, /expired after 10m without use/);
});

Deno.test("after an expiry, concurrent calls carry the note once, and an unknown tool leaves it", async () => {
  await using t = await startTestCoordinator({ SESSION_MAX_AGE: "10m" });
  const { client } = await t.connect();
  const textOf = (r: unknown) =>
    (r as { content: { text?: string }[] }).content.map((c) => c.text ?? "").join("\n");
  const expire = async () => {
    await client.callTool({ name: "echo", arguments: { message: "here" } });
    t.clock.advance(11 * 60_000);
    assert.equal((await t.coordinator.deps.sessions.expire()).length, 1);
  };
  await expire();
  const answers = await Promise.all(
    [1, 2, 3].map(() => client.callTool({ name: "echo", arguments: { message: "hi" } })),
  );
  assert.equal(answers.filter((a) => /expired after 10m/.test(textOf(a))).length, 1);

  await expire();
  await assert.rejects(client.callTool({ name: "nope", arguments: {} }), /Unknown tool/);
  const next = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  assert.match(textOf(next), /expired after 10m/, "the unknown tool's error did not use it up");
});
