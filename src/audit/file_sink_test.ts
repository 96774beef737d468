import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { checkOversizedRefused, sampleEvent, tempDir } from "./_testing.ts";
import { digestArguments } from "./digest.ts";
import { createFileAuditSink } from "./file_sink.ts";
import { verifyAuditLog } from "./verify.ts";

async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.trimEnd().split("\n").map((line) => JSON.parse(line));
}

Deno.test("FileAuditSink keeps 200 concurrent appends in call order and the log verifies", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/logs/audit.jsonl`;
  const sink = await createFileAuditSink(path, { clock: new FakeClock() });
  await Promise.all(Array.from({ length: 200 }, (_, i) => sink.append(sampleEvent(i + 1))));
  assert.deepEqual(sink.head.seq, 200);
  await sink.close();
  const records = await readRecords(path);
  assert.deepEqual(records.map((r) => r.seq), Array.from({ length: 200 }, (_, i) => i + 1));
  assert.deepEqual(records.map((r) => r.duration_ms), records.map((r) => r.seq));
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 200 });
});

Deno.test("FileAuditSink has the record on disk when append resolves", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path, { fsync: true });
  try {
    await sink.append(sampleEvent(7));
    const [record] = await readRecords(path);
    assert.equal(record!.seq, 1);
    assert.equal(record!.hash, sink.head.hash);
  } finally {
    await sink.close();
  }
});

Deno.test("FileAuditSink creates its directory 0700 and its file 0600", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/a/b/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  await sink.close();
  assert.equal((await Deno.stat(`${dir.path}/a/b`)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
});

Deno.test("FileAuditSink takes group and other access away from an existing log", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  await Deno.writeTextFile(path, "");
  await Deno.chmod(path, 0o664);
  const sink = await createFileAuditSink(path);
  await sink.close();
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
});

Deno.test("FileAuditSink resumes the chain of an existing log after reopening", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  for (let round = 0; round < 3; round++) {
    const sink = await createFileAuditSink(path);
    for (let i = 0; i < 4; i++) await sink.append(sampleEvent(round * 4 + i));
    await sink.close();
  }
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 12 });
});

Deno.test("FileAuditSink truncates a partial last line on open so the chain stays intact", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const first = await createFileAuditSink(path);
  await first.append(sampleEvent(1));
  await first.append(sampleEvent(2));
  await first.close();
  const intact = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, '{"seq":3,"ts":"2026-', { append: true });
  assert.equal((await verifyAuditLog(path)).ok, false);
  const second = await createFileAuditSink(path);
  assert.equal(second.head.seq, 2);
  await second.append(sampleEvent(3));
  await second.close();
  const text = await Deno.readTextFile(path);
  assert.ok(text.startsWith(intact));
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 3 });
});

Deno.test("FileAuditSink refuses to open a log whose last record was edited, re-serialized or has a CR", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  await sink.append(sampleEvent(1));
  await sink.close();
  const text = await Deno.readTextFile(path);
  const edits: [string, RegExp][] = [
    [text.replace('"principal":"local"', '"principal":"mallory"'), /last record is damaged/],
    [text.replace('","', '", "'), /last record is damaged \(line is not in/],
    [text.replace(/\n$/, "\r\n"), /last record is damaged \(line is not in/],
  ];
  for (const [edited, reason] of edits) {
    await Deno.writeTextFile(path, edited);
    await assert.rejects(createFileAuditSink(path), reason);
  }
});

Deno.test("FileAuditSink refuses a second writer on the same log", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  try {
    await assert.rejects(createFileAuditSink(path), /another writer holds it/);
  } finally {
    await sink.close();
  }
  const again = await createFileAuditSink(path);
  await again.close();
});

Deno.test("FileAuditSink rejects appends after close and close is idempotent", async () => {
  await using dir = await tempDir();
  const sink = await createFileAuditSink(`${dir.path}/audit.jsonl`);
  const pending = sink.append(sampleEvent(1));
  await sink.close();
  await pending;
  await sink.close();
  await assert.rejects(sink.append(sampleEvent(2)), /sink is closed/);
  assert.deepEqual(await verifyAuditLog(`${dir.path}/audit.jsonl`), { ok: true, records: 1 });
});

Deno.test("FileAuditSink never writes secret env values or secret-named arguments", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  const args = {
    code: "import os; print('CODE-SECRET-1')",
    env: { OPENAI_API_KEY: "ENV-SECRET-2" },
    api_token: "TOKEN-SECRET-3",
    index_url: "https://u:URL-SECRET-4@pypi.example.com/simple",
  };
  await sink.append(
    sampleEvent(1, { tool: "run.python", arguments: digestArguments("run.python", args) }),
  );
  await sink.close();
  const bytes = await Deno.readTextFile(path);
  for (const secret of ["CODE-SECRET-1", "ENV-SECRET-2", "TOKEN-SECRET-3", "URL-SECRET-4"]) {
    assert.ok(!bytes.includes(secret), `${secret} leaked into the audit log`);
  }
  assert.ok(bytes.includes("OPENAI_API_KEY"));
});

Deno.test(
  "FileAuditSink rejects an oversized record without breaking the chain",
  () => checkOversizedRefused((path) => createFileAuditSink(path)),
);
