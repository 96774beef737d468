import assert from "node:assert/strict";
import { sampleEvent, tempDir } from "./_testing.ts";
import { type ChainHead, computeRecordHash } from "./chain.ts";
import { createFileAuditSink } from "./file_sink.ts";
import { runAuditVerify, verifyAuditLog } from "./verify.ts";

/** Writes a 10-record log and returns its path and head (the anchor kept elsewhere). */
async function writeLog(dir: string): Promise<{ path: string; head: ChainHead; lines: string[] }> {
  const path = `${dir}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  for (let i = 1; i <= 10; i++) await sink.append(sampleEvent(i));
  const head = sink.head;
  await sink.close();
  const lines = (await Deno.readTextFile(path)).split("\n").slice(0, -1);
  return { path, head, lines };
}

Deno.test("verifyAuditLog() with an anchor reports records removed from the end", async () => {
  await using dir = await tempDir();
  const { path, head, lines } = await writeLog(dir.path);
  await Deno.writeTextFile(path, lines.slice(0, 7).join("\n") + "\n");
  // the chain alone cannot tell
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 7 });
  assert.deepEqual(await verifyAuditLog(path, { anchors: [head] }), {
    ok: false,
    line: 8,
    reason: "log ends at seq 7, before the anchor's seq 10: records were removed from the end",
  });
  await Deno.writeTextFile(path, "");
  const emptied = await verifyAuditLog(path, { anchors: [head] });
  assert.equal(!emptied.ok && emptied.line, 1);
});

Deno.test("verifyAuditLog() with an anchor reports a log rewritten and re-hashed to its end", async () => {
  await using dir = await tempDir();
  const { path, head, lines } = await writeLog(dir.path);
  // edit record 5 and seal it and every later record again: a chain that verifies alone
  let prev: string | undefined;
  const forged = lines.map((line, i) => {
    const record = JSON.parse(line);
    if (i === 4) record.tool = "fs.delete";
    if (prev !== undefined) record.prev = prev;
    if (i >= 4) record.hash = computeRecordHash(record);
    prev = record.hash;
    return JSON.stringify(record);
  });
  await Deno.writeTextFile(path, forged.join("\n") + "\n");
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 10 });
  assert.deepEqual(await verifyAuditLog(path, { anchors: [head] }), {
    ok: false,
    line: 10,
    reason:
      "record 10 does not have the anchor's hash: the log was rewritten at or before this line",
  });
});

Deno.test("verifyAuditLog() accepts a log that has grown past its anchor", async () => {
  await using dir = await tempDir();
  const { path, lines } = await writeLog(dir.path);
  const fifth = JSON.parse(lines[4]!) as { seq: number; hash: string };
  const anchor = { seq: fifth.seq, hash: fifth.hash };
  assert.deepEqual(await verifyAuditLog(path, { anchors: [anchor] }), { ok: true, records: 10 });
  const wrong = { seq: 5, hash: "f".repeat(64) };
  const result = await verifyAuditLog(path, { anchors: [wrong] });
  assert.equal(!result.ok && result.line, 5);
});

Deno.test("runAuditVerify() checks the anchor it is given and says so", async () => {
  await using dir = await tempDir();
  const { path, head, lines } = await writeLog(dir.path);
  assert.deepEqual(await runAuditVerify(path, { anchors: [head] }), {
    exitCode: 0,
    message: "audit log intact: 10 records, record 10 matches the anchor",
  });
  await Deno.writeTextFile(path, lines.slice(0, 9).join("\n") + "\n");
  const cut = await runAuditVerify(path, { anchors: [head] });
  assert.equal(cut.exitCode, 1);
  assert.match(cut.message, /^audit log broken at line 10: log ends at seq 9/);
});

Deno.test("verifyAuditLog() checks every anchor it is given and reports the first that fails", async () => {
  await using dir = await tempDir();
  const { path, head, lines } = await writeLog(dir.path);
  const third = JSON.parse(lines[2]!) as ChainHead;
  const good = [head, { seq: third.seq, hash: third.hash }, { seq: 0, hash: "0".repeat(64) }];
  assert.deepEqual(await verifyAuditLog(path, { anchors: good }), { ok: true, records: 10 });
  assert.deepEqual(await runAuditVerify(path, { anchors: good }), {
    exitCode: 0,
    message: "audit log intact: 10 records, records 0, 3, 10 match the anchors",
  });
  // a wrong anchor before a right one: the right one alone would pass
  const wrong = [{ seq: 6, hash: "f".repeat(64) }, { seq: 4, hash: "e".repeat(64) }, head];
  const result = await verifyAuditLog(path, { anchors: wrong });
  assert.equal(!result.ok && result.line, 4);
  assert.match(!result.ok ? result.reason : "", /^record 4 does not have the anchor's hash/);
  const beyond = await verifyAuditLog(path, { anchors: [head, { seq: 12, hash: head.hash }] });
  assert.deepEqual(beyond, {
    ok: false,
    line: 11,
    reason: "log ends at seq 10, before the anchor's seq 12: records were removed from the end",
  });
});
