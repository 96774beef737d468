import assert from "node:assert/strict";
import { sampleEvent } from "./_testing.ts";
import { EMPTY_HEAD } from "./chain.ts";
import { ChainVerifier } from "./chain_verifier.ts";
import { ChainWriter, type LogFile } from "./chain_writer.ts";
import { LineAppender } from "./line_appender.ts";

/** An in-memory file that writes at most `maxChunk` bytes per call and can be made to fail. */
class FakeLogFile implements LogFile {
  bytes = new Uint8Array(0);
  maxChunk = 7;
  failWritesAfter = Infinity;
  failTruncate = false;
  syncs = 0;

  write(chunk: Uint8Array): Promise<number> {
    if (this.failWritesAfter-- <= 0) return Promise.reject(new Error("disk full"));
    const part = chunk.subarray(0, this.maxChunk);
    const next = new Uint8Array(this.bytes.length + part.length);
    next.set(this.bytes);
    next.set(part, this.bytes.length);
    this.bytes = next;
    return Promise.resolve(part.length);
  }

  truncate(length: number): Promise<void> {
    if (this.failTruncate) return Promise.reject(new Error("io error"));
    this.bytes = this.bytes.slice(0, length);
    return Promise.resolve();
  }

  syncData(): Promise<void> {
    this.syncs++;
    return Promise.resolve();
  }

  lines(): string[] {
    return new TextDecoder().decode(this.bytes).split("\n").slice(0, -1);
  }
}

function verifies(lines: string[]): boolean {
  const verifier = new ChainVerifier();
  return lines.every((line) => verifier.check(line) === undefined);
}

Deno.test("ChainWriter keeps writing until the whole line is in the file", async () => {
  const file = new FakeLogFile();
  const writer = new ChainWriter(file, { path: "a.jsonl", head: EMPTY_HEAD, size: 0, fsync: true });
  await writer.write(sampleEvent(1), "2026-01-01T00:00:00.000Z");
  await writer.write(sampleEvent(2), "2026-01-01T00:00:01.000Z");
  assert.equal(file.lines().length, 2);
  assert.ok(verifies(file.lines()));
  assert.equal(file.syncs, 2);
  assert.equal(writer.head.seq, 2);
});

Deno.test("ChainWriter cuts a half-written line off so the next record chains on", async () => {
  const file = new FakeLogFile();
  const writer = new ChainWriter(file, { path: "a.jsonl", head: EMPTY_HEAD, size: 0 });
  await writer.write(sampleEvent(1), "2026-01-01T00:00:00.000Z");
  const head = writer.head;
  file.failWritesAfter = 3;
  await assert.rejects(writer.write(sampleEvent(2), "2026-01-01T00:00:01.000Z"), /disk full/);
  assert.deepEqual(writer.head, head);
  file.failWritesAfter = Infinity;
  await writer.write(sampleEvent(3), "2026-01-01T00:00:02.000Z");
  assert.deepEqual(file.lines().map((l) => JSON.parse(l).duration_ms), [1, 3]);
  assert.ok(verifies(file.lines()));
});

Deno.test("ChainWriter refuses every later write when a failed write cannot be undone", async () => {
  const file = new FakeLogFile();
  const writer = new ChainWriter(file, { path: "a.jsonl", head: EMPTY_HEAD, size: 0 });
  file.failWritesAfter = 2;
  file.failTruncate = true;
  await assert.rejects(writer.write(sampleEvent(1), "2026-01-01T00:00:00.000Z"), /disk full/);
  file.failWritesAfter = Infinity;
  file.failTruncate = false;
  await assert.rejects(
    writer.write(sampleEvent(2), "2026-01-01T00:00:01.000Z"),
    /failed write could not be undone/,
  );
  assert.equal(file.bytes.length, 14);
});

Deno.test("LineAppender stores several lines whole or not at all", async () => {
  const file = new FakeLogFile();
  const appender = new LineAppender(file, { path: "a.jsonl", size: 0 });
  const encode = (text: string) => new TextEncoder().encode(text);
  await appender.append(encode("one\n"));
  file.failWritesAfter = 1; // the first chunk of the next append lands, the second fails
  await assert.rejects(appender.append(encode("two\nthree\n")), /disk full/);
  assert.deepEqual(file.lines(), ["one"]);
  file.failWritesAfter = Infinity;
  await appender.append(encode("four\n"));
  assert.deepEqual(file.lines(), ["one", "four"]);
});
