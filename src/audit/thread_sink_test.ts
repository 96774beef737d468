import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { FakeClock } from "../core/mod.ts";
import { checkOversizedRefused, sampleEvent, tempDir } from "./_testing.ts";
import { createThreadAuditSink } from "./thread_sink.ts";
import { verifyAuditLog } from "./verify.ts";

// Without --unstable-worker-options, `new Worker(..., {deno: {permissions}})` exits the whole
// process (uncatchable); deno.json's "unstable" turns it on for every test run.
const ignore = !((denoJson as { unstable?: string[] }).unstable ?? []).includes("worker-options");

async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.trimEnd().split("\n").map((line) => JSON.parse(line));
}

Deno.test("ThreadAuditSink writes 100 concurrent appends in call order and the log verifies", {
  ignore,
}, async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/logs/audit.jsonl`;
  const clock = new FakeClock(Date.UTC(2026, 4, 1));
  const sink = await createThreadAuditSink(path, { clock });
  await Promise.all(Array.from({ length: 100 }, (_, i) => sink.append(sampleEvent(i + 1))));
  await sink.close();
  const records = await readRecords(path);
  assert.deepEqual(records.map((r) => r.duration_ms), Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(records[0]!.ts, "2026-05-01T00:00:00.000Z");
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 100 });
});

Deno.test("ThreadAuditSink has the record on disk when append resolves", { ignore }, async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await createThreadAuditSink(path, { fsync: true });
  try {
    await sink.append(sampleEvent(3));
    const [record] = await readRecords(path);
    assert.equal(record!.seq, 1);
  } finally {
    await sink.close();
  }
});

Deno.test(
  "ThreadAuditSink resumes the chain written by an earlier thread",
  { ignore },
  async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/audit.jsonl`;
    for (let round = 0; round < 2; round++) {
      const sink = await createThreadAuditSink(path);
      await sink.append(sampleEvent(round));
      await sink.close();
    }
    assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 2 });
  },
);

Deno.test(
  "ThreadAuditSink rejects with the thread's message when the log is held by another writer",
  { ignore },
  async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/audit.jsonl`;
    const first = await createThreadAuditSink(path);
    try {
      await assert.rejects(createThreadAuditSink(path), /another writer holds it/);
    } finally {
      await first.close();
    }
  },
);

Deno.test(
  "ThreadAuditSink takes group and other access away from an existing log",
  { ignore },
  async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/audit.jsonl`;
    await Deno.writeTextFile(path, "");
    await Deno.chmod(path, 0o644);
    const sink = await createThreadAuditSink(path);
    await sink.close();
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  },
);

Deno.test("ThreadAuditSink rejects appends after close", { ignore }, async () => {
  await using dir = await tempDir();
  const sink = await createThreadAuditSink(`${dir.path}/audit.jsonl`);
  await sink.close();
  await sink.close();
  await assert.rejects(sink.append(sampleEvent(1)), /the sink is closed/);
});

Deno.test("the audit thread may write only its directory: everything else is NotCapable", {
  ignore,
}, async () => {
  await using dir = await tempDir();
  await using other = await tempDir();
  const sink = await createThreadAuditSink(`${dir.path}/logs/audit.jsonl`);
  try {
    assert.deepEqual(await sink.probe({ op: "write", path: `${dir.path}/logs/x` }), {
      permitted: true,
    });
    assert.deepEqual(await sink.probe({ op: "read", path: `${dir.path}/logs/audit.jsonl` }), {
      permitted: true,
    });
    const denied = [
      { op: "write", path: `${other.path}/x.txt` },
      { op: "write", path: `${dir.path}/beside-logs.txt` },
      { op: "read", path: "/etc/hostname" },
      { op: "read", path: `${other.path}` },
      { op: "net", hostname: "127.0.0.1", port: 9 },
      { op: "env", name: "HOME" },
      { op: "run", command: "true" },
      { op: "sys", kind: "hostname" },
    ] as const;
    for (const op of denied) {
      const result = await sink.probe(op);
      assert.equal(result.permitted, false, JSON.stringify(op));
      if (!result.permitted) assert.equal(result.error, "NotCapable", JSON.stringify(op));
    }
    await assert.rejects(Deno.lstat(`${other.path}/x.txt`), Deno.errors.NotFound);
  } finally {
    await sink.close();
  }
});

Deno.test(
  "ThreadAuditSink rejects only the bad append of a concurrent batch; the rest land in order",
  {
    ignore,
  },
  async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/audit.jsonl`;
    const sink = await createThreadAuditSink(path);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => {
      const event = sampleEvent(i + 1);
      // an event the chain refuses, in the middle of a burst that goes as one batch
      return sink.append(i === 7 ? { ...event, decision: "maybe" as "allowed" } : event);
    }));
    await sink.close();
    assert.deepEqual(results.map((r) => r.status).filter((s) => s === "rejected"), ["rejected"]);
    assert.equal(results[7]!.status, "rejected");
    assert.match(String((results[7] as PromiseRejectedResult).reason), /decision/);
    const records = await readRecords(path);
    assert.deepEqual(
      records.map((r) => r.duration_ms),
      Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => n !== 8),
    );
    assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 19 });
  },
);

Deno.test(
  "ThreadAuditSink refuses an oversized record without breaking the chain",
  { ignore },
  () => checkOversizedRefused((path) => createThreadAuditSink(path)),
);

Deno.test(
  "ThreadAuditSink splits a burst larger than its shared buffer and keeps the order",
  { ignore },
  async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/audit.jsonl`;
    const sink = await createThreadAuditSink(path);
    // five records of ~300 KiB cannot go in one round trip of about 1 MiB
    const big = (n: number) => sampleEvent(n, { arguments: { blob: "é".repeat(150_000) } });
    await Promise.all(Array.from({ length: 5 }, (_, i) => sink.append(big(i + 1))));
    await sink.close();
    const records = await readRecords(path);
    assert.deepEqual(records.map((r) => r.duration_ms), [1, 2, 3, 4, 5]);
    assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 5 });
  },
);

Deno.test("ThreadAuditSink fails every append once its log was renamed or removed under it", {
  ignore,
}, async () => {
  await using dir = await tempDir();
  for (const how of ["rename", "remove"] as const) {
    const path = `${dir.path}/${how}.jsonl`;
    const sink = await createThreadAuditSink(path);
    try {
      await sink.append(sampleEvent(1));
      if (how === "rename") await Deno.rename(path, `${path}.1`);
      else await Deno.remove(path);
      // another writer (a second coordinator) may now create and lock a new file there; the
      // path is looked at every 100 ms at most
      await Deno.writeTextFile(path, "");
      await new Promise((resolve) => setTimeout(resolve, 150));
      await assert.rejects(sink.append(sampleEvent(2)), /was replaced while open/);
      await assert.rejects(sink.append(sampleEvent(3)), /was replaced while open/, "for good");
      assert.equal(await Deno.readTextFile(path), "", "the new file is not written");
      if (how === "rename") {
        assert.equal((await readRecords(`${path}.1`)).length, 1, "nor the old one, after");
      }
    } finally {
      await sink.close();
    }
  }
});

Deno.test("ThreadAuditSink refuses a log path that is not a regular file", { ignore }, async () => {
  await using dir = await tempDir();
  const fifo = `${dir.path}/audit.fifo`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success, "mkfifo");
  await Deno.chmod(fifo, 0o666); // a log this open would be narrowed to 0600
  await assert.rejects(createThreadAuditSink(fifo), /not a regular file/);
  assert.equal((await Deno.stat(fifo)).mode! & 0o777, 0o666, "its mode untouched");
});

Deno.test("ThreadAuditSink opens a log in a directory reached through a symlink", {
  ignore,
}, async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/realdir`);
  await Deno.symlink(`${dir.path}/realdir`, `${dir.path}/dirlink`);
  const sink = await createThreadAuditSink(`${dir.path}/dirlink/audit.jsonl`);
  try {
    await sink.append(sampleEvent(1));
  } finally {
    await sink.close();
  }
  assert.deepEqual(await verifyAuditLog(`${dir.path}/realdir/audit.jsonl`), {
    ok: true,
    records: 1,
  });
});
