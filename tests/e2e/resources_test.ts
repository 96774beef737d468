import assert from "node:assert/strict";
import { startTestCoordinator } from "../support/in_memory.ts";
import { touchRawName, utf8 } from "../support/raw_names.ts";

Deno.test("resources/list pages through every workspace file with a cursor", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const info = (await client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as { session_id: string };
  const ws = `${t.config.workspaceRoot}/sessions/${info.session_id}`;
  // more files than a page and than one fs.list answer, in nested directories
  const expected: string[] = [];
  for (let i = 0; i < 1_200; i++) expected.push(`f${String(i).padStart(4, "0")}.txt`);
  for (let i = 0; i < 30; i++) expected.push(`d${i % 3}/sub${i % 2}/g${i}.txt`);
  for (const path of expected) {
    await Deno.mkdir(`${ws}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${ws}/${path}`, "x");
  }
  await Deno.mkdir(`${ws}/empty/deeper`, { recursive: true });

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (; pages < 20; pages++) {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    assert.ok(page.resources.length <= 1_000);
    seen.push(...page.resources.map((r) => r.name));
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  assert.ok(pages >= 1, "more than one page");
  assert.equal(new Set(seen).size, seen.length, "no file twice");
  assert.deepEqual(seen.toSorted(), expected.toSorted());
  const uri = (await client.listResources()).resources[0]!.uri;
  const read = await client.readResource({ uri });
  assert.equal((read.contents[0] as { text?: string }).text, "x");
  await assert.rejects(
    client.listResources({ cursor: "%%%not-base64" }),
    (err: Error) =>
      /Invalid cursor/.test(err.message) && !/MCP error .*MCP error/.test(err.message),
  );
});

Deno.test("resources/list pages through directories larger than MAX_LIST_ENTRIES, every file once", async () => {
  await using t = await startTestCoordinator({ MAX_LIST_ENTRIES: "7" });
  const { client } = await t.connect();
  const info = (await client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as { session_id: string };
  const ws = `${t.config.workspaceRoot}/sessions/${info.session_id}`;
  // a root, a directory and a subdirectory each holding several times the cap, written out
  // of name order, and a page boundary (1,000 files) inside the big directory
  const expected: string[] = [];
  for (let i = 0; i < 40; i++) expected.push(`top${String((i * 13) % 40).padStart(2, "0")}.txt`);
  for (let i = 0; i < 1_030; i++) expected.push(`big/f${String((i * 7) % 1_030).padStart(4, "0")}`);
  for (let i = 0; i < 23; i++) expected.push(`big/sub/g${String(i).padStart(2, "0")}`);
  for (const path of expected) {
    await Deno.mkdir(`${ws}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${ws}/${path}`, "x");
  }
  const listed = await client.callTool({ name: "fs.list", arguments: { path: "big" } });
  assert.equal((listed.structuredContent as { truncated: boolean }).truncated, true);

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (; pages < 50; pages++) {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    seen.push(...page.resources.map((r) => r.name));
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  assert.ok(pages < 50, "a last page came");
  assert.equal(new Set(seen).size, seen.length, "no file twice");
  assert.deepEqual(seen, expected.toSorted(), "every file, in name order");
});

Deno.test("resources/list goes on past whole windows of names that are not valid UTF-8", async () => {
  await using t = await startTestCoordinator({ MAX_LIST_ENTRIES: "3" });
  const { client } = await t.connect();
  const info = (await client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as { session_id: string };
  const ws = `${t.config.workspaceRoot}/sessions/${info.session_id}`;
  // in the root and in a directory, more names that cannot be opened than one listing holds
  await Deno.mkdir(`${ws}/d`);
  for (const dir of [ws, `${ws}/d`]) {
    for (let i = 0; i < 7; i++) await touchRawName(dir, [...utf8(`b${i}`), 0xff]);
  }
  const expected = ["a.txt", "c.txt", "d/a.txt", "d/c.txt"];
  for (const path of expected) await Deno.writeTextFile(`${ws}/${path}`, "x");
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    seen.push(...page.resources.map((r) => r.name));
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  assert.equal(cursor, undefined, "a last page within 10 pages");
  assert.deepEqual(seen, expected);
});

Deno.test("resources/list refuses a crafted cursor instead of ending the listing", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "a/x.txt", contents: "x" } });
  const cursor = (path: string) =>
    new TextEncoder().encode(path).toBase64({ alphabet: "base64url", omitPadding: true });
  // parts a listing could never have given: with NUL, dot segments, longer than any path
  for (const path of ["a\0b/x", "a/b\0", "../x", "a/./x", "a/..", "x".repeat(5000)]) {
    await assert.rejects(
      client.listResources({ cursor: cursor(path) }),
      (err: Error) => /Invalid cursor/.test(err.message),
      JSON.stringify(path),
    );
  }
  // while a cursor of odd but possible names is a place to go on from
  for (const path of ["a\\b/x", "a/", "a/x.txt", "a\nb"]) {
    const page = await client.listResources({ cursor: cursor(path) });
    assert.ok(Array.isArray(page.resources), path);
  }
  const after = await client.listResources({ cursor: cursor("a") });
  assert.deepEqual(after.resources, [], "nothing after the directory a");
  const inside = await client.listResources({ cursor: cursor("a/") });
  assert.deepEqual(inside.resources.map((r) => r.name), ["a/x.txt"]);
});

Deno.test("resources/list and resources/read are audited like the file tools, probes included", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "a.txt", contents: "hello" } });
  await client.listResources();
  const read = await client.readResource({ uri: "workspace:///a.txt" });
  assert.equal((read.contents[0] as { text?: string }).text, "hello");
  await assert.rejects(
    client.readResource({ uri: "workspace:///../../etc/passwd" }),
    /PATH_VIOLATION/,
  );
  await assert.rejects(
    client.readResource({ uri: "workspace:///missing.txt" }),
    (err: Error & { code?: number }) => err.code === -32002,
  );
  const records = t.audit.records.filter((r) => r.tool.startsWith("resources/"));
  assert.deepEqual(records.map((r) => [r.tool, r.decision, r.error_code ?? "ok"]), [
    ["resources/list", "allowed", "ok"],
    ["resources/read", "allowed", "ok"],
    ["resources/read", "denied", "PATH_VIOLATION"],
    ["resources/read", "allowed", "NOT_FOUND"],
  ]);
  assert.equal(records[1]?.bytes_out, 5);
  assert.equal(records[1]?.arguments.path, "a.txt");
});

Deno.test("resources/read of another scheme says which URIs name workspace files", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await assert.rejects(
    client.readResource({ uri: "file:///etc/passwd" }),
    (err: Error & { code?: number }) =>
      err.code === -32602 &&
      /Unknown resource "file:\/\/\/etc\/passwd": workspace files are workspace:\/\/\/\{path\}/
        .test(err.message),
  );
  // recorded, as every read is
  const [record] = t.audit.records.filter((r) => r.tool === "resources/read");
  assert.deepEqual(
    [record?.error_code, record?.arguments],
    ["INVALID_ARGUMENT", { uri: "file:///etc/passwd" }],
  );
});
