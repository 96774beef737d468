import assert from "node:assert/strict";
import { sampleEvent, tempDir } from "./_testing.ts";
import { computeRecordHash } from "./chain.ts";
import { createFileAuditSink } from "./file_sink.ts";
import { runAuditVerify, verifyAuditLog } from "./verify.ts";

/** Writes a 10-record log, lets `edit` change its lines, and verifies the result. */
async function verifyEdited(edit: (lines: string[]) => string[]) {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  for (let i = 1; i <= 10; i++) await sink.append(sampleEvent(i));
  await sink.close();
  const lines = (await Deno.readTextFile(path)).split("\n").slice(0, -1);
  const edited = edit(lines);
  await Deno.writeTextFile(path, edited.join("\n"));
  return await verifyAuditLog(path);
}

function withNewline(lines: string[]): string[] {
  return [...lines, ""];
}

Deno.test("verifyAuditLog() accepts an untouched log and counts its records", async () => {
  assert.deepEqual(await verifyEdited(withNewline), { ok: true, records: 10 });
});

Deno.test("verifyAuditLog() reports an edited record at its line", async () => {
  const result = await verifyEdited((lines) => {
    lines[4] = lines[4]!.replace('"outcome":"ok"', '"outcome":"error"');
    return withNewline(lines);
  });
  assert.deepEqual(result, {
    ok: false,
    line: 5,
    reason: "record hash does not match its contents",
  });
});

Deno.test("verifyAuditLog() reports a rehashed edit at the next line through prev", async () => {
  const result = await verifyEdited((lines) => {
    const record = JSON.parse(lines[4]!);
    record.tool = "fs.delete";
    record.hash = computeRecordHash(record);
    lines[4] = JSON.stringify(record);
    return withNewline(lines);
  });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.line, 6);
  assert.match(!result.ok ? result.reason : "", /prev does not match/);
});

Deno.test("verifyAuditLog() reports swapped records at the first of them as out of order", async () => {
  const result = await verifyEdited((lines) => {
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    return withNewline(lines);
  });
  assert.deepEqual(result, {
    ok: false,
    line: 4,
    reason: "seq jumps from 3 to 5: records are out of order (record 4 is at line 5)",
  });
  const first = await verifyEdited((lines) =>
    withNewline([lines[1]!, lines[0]!, ...lines.slice(2)])
  );
  assert.deepEqual(first, {
    ok: false,
    line: 1,
    reason: "log starts at seq 2, not 1: records are out of order (record 1 is at line 2)",
  });
});

Deno.test("verifyAuditLog() reports a record moved to the end as out of order", async () => {
  const result = await verifyEdited((lines) =>
    withNewline([...lines.slice(0, 2), ...lines.slice(3), lines[2]!])
  );
  assert.deepEqual(result, {
    ok: false,
    line: 3,
    reason: "seq jumps from 2 to 4: records are out of order (record 3 is at line 10)",
  });
});

/** The reason given for a line that parses and hashes right but is not the stored form. */
const NOT_CANONICAL =
  /^line is not in the canonical form the writer stores \(differs at character \d+\)/;

Deno.test("verifyAuditLog() refuses a line with a duplicate key even though its hash matches", async () => {
  const result = await verifyEdited((lines) => {
    // JSON.parse keeps the last "outcome": the parsed record still hashes right
    lines[4] = lines[4]!.replace("{", '{"outcome":"error",');
    return withNewline(lines);
  });
  assert.equal(!result.ok && result.line, 5);
  assert.match(!result.ok ? result.reason : "", NOT_CANONICAL);
  assert.match(!result.ok ? result.reason : "", /differs at character 3\)/);
});

Deno.test("verifyAuditLog() refuses lines re-serialized with spaces, another key order or 5.0", async () => {
  const edits: Array<(line: string) => string> = [
    (line) => line.replace('","', '", "'),
    (line) => {
      const { hash, ...rest } = JSON.parse(line);
      return JSON.stringify({ hash, ...rest });
    },
    (line) => line.replace('"seq":5,', '"seq":5.0,'),
    (line) => line.replace('"duration_ms":5', '"duration_ms":5e0'),
  ];
  for (const edit of edits) {
    const result = await verifyEdited((lines) => {
      const edited = edit(lines[4]!);
      assert.notEqual(edited, lines[4], "the edit changes the line");
      lines[4] = edited;
      return withNewline(lines);
    });
    assert.equal(!result.ok && result.line, 5, JSON.stringify(result));
    assert.match(!result.ok ? result.reason : "", NOT_CANONICAL);
  }
});

Deno.test("verifyAuditLog() refuses CRLF line endings at line 1", async () => {
  const result = await verifyEdited((lines) => [lines.join("\r\n") + "\r\n"]);
  assert.equal(!result.ok && result.line, 1);
  assert.match(!result.ok ? result.reason : "", NOT_CANONICAL);
});

Deno.test("verifyAuditLog() refuses a line that starts with a byte order mark", async () => {
  const result = await verifyEdited((lines) => {
    lines[4] = "\uFEFF" + lines[4];
    return withNewline(lines);
  });
  assert.deepEqual(result, { ok: false, line: 5, reason: "line is not valid JSON" });
});

Deno.test("verifyAuditLog() reports a repeated record as going back", async () => {
  const result = await verifyEdited((lines) => withNewline([...lines.slice(0, 5), lines[3]!]));
  assert.deepEqual(result, {
    ok: false,
    line: 6,
    reason: "seq goes back from 5 to 4: records are out of order or repeated",
  });
});

Deno.test("verifyAuditLog() reports a record deleted from the middle at the gap", async () => {
  const result = await verifyEdited((lines) => withNewline(lines.filter((_, i) => i !== 6)));
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.line, 7);
  assert.match(!result.ok ? result.reason : "", /seq jumps from 6 to 8/);
});

Deno.test("verifyAuditLog() reports records removed from the start at line 1", async () => {
  const result = await verifyEdited((lines) => withNewline(lines.slice(2)));
  assert.equal(!result.ok && result.line, 1);
  assert.match(!result.ok ? result.reason : "", /starts at seq 3/);
});

Deno.test("verifyAuditLog() reports a partial trailing line", async () => {
  const result = await verifyEdited((lines) => {
    lines[9] = lines[9]!.slice(0, 40);
    return lines;
  });
  assert.equal(!result.ok && result.line, 10);
  assert.match(!result.ok ? result.reason : "", /partial trailing line/);
});

Deno.test("verifyAuditLog() reports a complete record missing only its newline as partial", async () => {
  const result = await verifyEdited((lines) => lines);
  assert.equal(!result.ok && result.line, 10);
});

Deno.test("verifyAuditLog() reports lines that are not JSON, not UTF-8 or too long", async () => {
  const notJson = await verifyEdited((lines) => withNewline([...lines.slice(0, 2), "{oops"]));
  assert.deepEqual(notJson, { ok: false, line: 3, reason: "line is not valid JSON" });
  const empty = await verifyEdited((lines) => withNewline([lines[0]!, ""]));
  assert.deepEqual(empty, { ok: false, line: 2, reason: "line is not valid JSON" });
  await using dir = await tempDir();
  const path = `${dir.path}/bad.jsonl`;
  await Deno.writeFile(path, new Uint8Array([0xff, 0xfe, 0x0a]));
  assert.deepEqual(await verifyAuditLog(path), {
    ok: false,
    line: 1,
    reason: "line is not valid UTF-8",
  });
  await Deno.writeTextFile(path, "x".repeat(1024 * 1024 + 10) + "\n");
  const long = await verifyAuditLog(path);
  assert.equal(!long.ok && long.line, 1);
  assert.match(!long.ok ? long.reason : "", /longer than/);
});

Deno.test("verifyAuditLog() accepts an empty log and throws NOT_FOUND for a missing one", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/empty.jsonl`, "");
  assert.deepEqual(await verifyAuditLog(`${dir.path}/empty.jsonl`), { ok: true, records: 0 });
  await assert.rejects(verifyAuditLog(`${dir.path}/none.jsonl`), { code: "NOT_FOUND" });
});

Deno.test("runAuditVerify() gives exit code and one line for each outcome", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createFileAuditSink(path);
  for (let i = 1; i <= 3; i++) await sink.append(sampleEvent(i));
  await sink.close();
  assert.deepEqual(await runAuditVerify(path), {
    exitCode: 0,
    message: "audit log intact: 3 records",
  });
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.replace('"duration_ms":2', '"duration_ms":3'));
  assert.deepEqual(await runAuditVerify(path), {
    exitCode: 1,
    message: "audit log broken at line 2: record hash does not match its contents",
  });
  const missing = await runAuditVerify(`${dir.path}/none.jsonl`);
  assert.equal(missing.exitCode, 1);
  assert.match(missing.message, /Cannot read audit log ".*none\.jsonl": no such file/);
  const directory = await runAuditVerify(dir.path);
  assert.equal(directory.exitCode, 1);
  assert.match(directory.message, /^Cannot read audit log "/);
});

Deno.test("runAuditVerify() refuses a FIFO at once, not blocking until a writer comes", async () => {
  await using dir = await tempDir();
  const fifo = `${dir.path}/audit.fifo`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success, "mkfifo");
  // were the open to block, this writer would end the wait after 5 s: the log would then
  // read as empty, and the test fail rather than hang
  const writer = new Deno.Command("sh", {
    args: ["-c", `sleep 5; exec 3>"${fifo}"`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const result = await runAuditVerify(fifo);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.message,
      /^Cannot read audit log ".*audit\.fifo": it is not a regular file/,
    );
  } finally {
    try {
      writer.kill();
    } catch {
      // it has ended: the open blocked until it came
    }
    await writer.status;
  }
});

Deno.test("runAuditVerify() refuses a device such as /dev/null rather than call it intact", async () => {
  const result = await runAuditVerify("/dev/null");
  assert.deepEqual(result, {
    exitCode: 1,
    message: 'Cannot read audit log "/dev/null": it is not a regular file (a directory, a ' +
      "device, a pipe or a socket)",
  });
  await assert.rejects(verifyAuditLog("/dev/null"), { code: "INVALID_ARGUMENT" });
});
