import assert from "node:assert/strict";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";
import { touchRawName, utf8 } from "../support/raw_names.ts";

interface Listing {
  entries: { path: string; name: string }[];
  total_count: number;
  truncated: boolean;
  next_after?: string;
  skipped?: number;
}

Deno.test("fs.list pages through a directory larger than MAX_LIST_ENTRIES with after", async () => {
  await using t = await startTestCoordinator({ MAX_LIST_ENTRIES: "4" });
  const { client } = await t.connect();
  const tools = (await client.listTools()).tools;
  const schema = tools.find((tool) => tool.name === "fs.list")!.inputSchema;
  assert.match(
    (schema.properties?.after as { description?: string }).description ?? "",
    /not .*recursive/,
  );
  const names = Array.from({ length: 11 }, (_, i) => `f${String((i * 5) % 11).padStart(2, "0")}`);
  for (const name of names) {
    await client.callTool({ name: "fs.write", arguments: { path: `d/${name}`, contents: "x" } });
  }
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page++) {
    const r = await client.callTool({
      name: "fs.list",
      arguments: after === undefined ? { path: "d" } : { path: "d", after },
    });
    assert.equal(r.isError, undefined, resultText(r));
    const listing = r.structuredContent as unknown as Listing;
    assert.ok(listing.entries.length <= 4);
    assert.equal(listing.total_count, names.length - seen.length);
    seen.push(...listing.entries.map((e) => e.path));
    if (!listing.truncated) break;
    assert.equal(listing.next_after, listing.entries.at(-1)!.name);
    after = listing.next_after;
  }
  assert.deepEqual(seen, names.toSorted().map((n) => `d/${n}`));
  // audited like the other arguments: the name in clear
  const listed = t.audit.records.filter((r) => r.tool === "fs.list");
  assert.deepEqual(listed.at(-1)?.arguments, { after, path: "d" });
});

Deno.test("fs.list pages past names that are not valid UTF-8 and says it left them out", async () => {
  await using t = await startTestCoordinator({ MAX_LIST_ENTRIES: "2" });
  const { client } = await t.connect();
  const info = (await client.callTool({ name: "session.info", arguments: {} }))
    .structuredContent as { session_id: string };
  const dir = `${t.config.workspaceRoot}/sessions/${info.session_id}/d`;
  await Deno.mkdir(dir);
  // a whole page of names that cannot be opened, then a file that can
  await touchRawName(dir, [...utf8("a"), 0xff]);
  await touchRawName(dir, [...utf8("b"), 0xff]);
  await Deno.writeTextFile(`${dir}/c.txt`, "x");
  const first = await client.callTool({ name: "fs.list", arguments: { path: "d" } });
  const listing = first.structuredContent as unknown as Listing;
  assert.deepEqual(listing, {
    entries: [],
    total_count: 3,
    truncated: true,
    next_after: "b\uFFFD",
    skipped: 2,
  });
  assert.match(resultText(first), /2 left out: .*not valid UTF-8/);
  assert.match(resultText(first), /next page is after "b\uFFFD"/);
  const rest = await client.callTool({
    name: "fs.list",
    arguments: { path: "d", after: listing.next_after },
  });
  const last = rest.structuredContent as unknown as Listing;
  assert.deepEqual(last.entries.map((e) => e.name), ["c.txt"]);
  assert.equal(last.truncated, false);
});

Deno.test("fs.list takes as after any name a directory may hold, and refuses what no name can be as the worker does", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  for (const name of ["a.txt", "b.txt"]) {
    await client.callTool({ name: "fs.write", arguments: { path: `d/${name}`, contents: "x" } });
  }
  // names no path argument may hold, but a directory may: listing goes on after them
  const cases: Array<[string, string[]]> = [
    ["a\\b", ["b.txt"]],
    ["a\nb", ["a.txt", "b.txt"]],
    ["a".repeat(300), ["b.txt"]],
    ["..", ["a.txt", "b.txt"]],
  ];
  for (const [after, expected] of cases) {
    const r = await client.callTool({ name: "fs.list", arguments: { path: "d", after } });
    assert.equal(r.isError, undefined, `${JSON.stringify(after)}: ${resultText(r)}`);
    const names = (r.structuredContent as unknown as Listing).entries.map((e) => e.name);
    assert.deepEqual(names, expected, JSON.stringify(after));
  }
  const refused = ["d/a.txt", "../x", "", "a\0b", "x".repeat(5000)];
  for (const after of refused) {
    const r = await client.callTool({ name: "fs.list", arguments: { path: "d", after } });
    assert.equal(r.isError, true, JSON.stringify(after));
    assert.match(
      resultText(r),
      /^INVALID_ARGUMENT: Cannot list "d": after .* is not a name: /,
      resultText(r),
    );
  }
  // a bad argument, not a policy denial: audited as a call that failed
  const records = t.audit.records.filter((r) => r.tool === "fs.list").slice(-refused.length);
  assert.ok(records.every((r) => r.decision === "allowed" && r.error_code === "INVALID_ARGUMENT"));
  const recursive = await client.callTool({
    name: "fs.list",
    arguments: { after: "a.txt", recursive: true },
  });
  assert.equal(recursive.isError, true);
  assert.match(resultText(recursive), /^INVALID_ARGUMENT: .*not recursive/);
});
