import assert from "node:assert/strict";
import { sampleEvent, tempDir } from "./_testing.ts";
import { sealRecord } from "./chain.ts";
import { EMPTY_HEAD } from "./chain.ts";
import { createFileAuditSink } from "./file_sink.ts";
import { openLogForAppend } from "./open_log.ts";
import { RECORD_START } from "./resume.ts";

interface Snapshot {
  bytes: Uint8Array;
  mode: number;
}

async function snapshot(path: string): Promise<Snapshot> {
  return { bytes: await Deno.readFile(path), mode: (await Deno.stat(path)).mode! & 0o777 };
}

// Writes `text` at `path` with mode 0644, as a file copied from elsewhere would be.
async function writeShared(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o644);
}

async function openAndClose(path: string) {
  const opened = await openLogForAppend(path);
  opened.file.close();
  return opened;
}

Deno.test("openLogForAppend() refuses a file that is not an audit log and leaves its bytes and mode", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const files: [string, RegExp][] = [
    [
      "root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n",
      /last record is damaged/,
    ],
    ["important line 1\nimportant line 2 (no trailing newline)", /last record is damaged/],
    ['{"config": "value", "no": "newline"}', /"[^"]*audit\.jsonl": .*not an audit log/],
    ["x", /not an audit log/],
  ];
  for (const [text, reason] of files) {
    await writeShared(path, text);
    const before = await snapshot(path);
    await assert.rejects(openLogForAppend(path), reason);
    assert.deepEqual(await snapshot(path), before, JSON.stringify(text));
  }
});

Deno.test("openLogForAppend() refuses a damaged last record before cutting the partial line after it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  await sink.append(sampleEvent(1));
  await sink.close();
  const text = await Deno.readTextFile(path);
  await writeShared(path, text.replace('"principal":"local"', '"principal":"x"') + '{"argu');
  const before = await snapshot(path);
  await assert.rejects(openLogForAppend(path), /last record is damaged/);
  assert.deepEqual(await snapshot(path), before);
});

Deno.test("openLogForAppend() adopts a log cut off in its first write, then cuts it and narrows its mode", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const whole = sealRecord(EMPTY_HEAD, sampleEvent(1), { ts: "2026-01-01T00:00:00.000Z" }).line;
  for (const cut of [1, 9, 30, whole.length]) {
    await writeShared(path, whole.slice(0, cut));
    const { at, notes } = await openAndClose(path);
    assert.deepEqual(at, { head: EMPTY_HEAD, size: 0, droppedBytes: cut });
    assert.deepEqual(notes, { head: EMPTY_HEAD, droppedBytes: cut, modeWas: 0o644 });
    assert.deepEqual(await snapshot(path), { bytes: new Uint8Array(), mode: 0o600 });
  }
});

Deno.test("openLogForAppend() reports the partial line it cut and the mode it narrowed after a record", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  await sink.append(sampleEvent(1));
  await sink.close();
  const intact = await Deno.readTextFile(path);
  await writeShared(path, `${intact}{"arguments":{"pa`);
  const { notes } = await openAndClose(path);
  assert.equal(notes.head.seq, 1);
  assert.equal(notes.droppedBytes, 17);
  assert.equal(notes.modeWas, 0o644);
  assert.equal(await Deno.readTextFile(path), intact);
});

Deno.test("RECORD_START is how every line the writer stores begins", () => {
  const text = new TextDecoder().decode(RECORD_START);
  for (const event of [sampleEvent(1), sampleEvent(2, { arguments: {}, kind: "startup" })]) {
    const { line } = sealRecord(EMPTY_HEAD, event, { ts: "2026-01-01T00:00:00.000Z" });
    assert.ok(line.startsWith(text), line);
  }
});
