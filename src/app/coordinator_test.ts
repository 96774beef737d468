import assert from "node:assert/strict";
import { MemoryAuditSink } from "../audit/mod.ts";
import { type Config, loadConfig } from "../config/mod.ts";
import { createCoordinator } from "./coordinator.ts";

// A configuration on a fresh temp directory; `auditLog` is relative to it.
async function withConfig(
  auditLog: string,
  body: (config: Config, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "coordinator_test_" });
  try {
    const loaded = loadConfig([], {
      HOME: dir,
      WORKSPACE_ROOT: `${dir}/ws`,
      AUDIT_LOG: `${dir}/${auditLog}`,
    });
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.message);
    await body(loaded.config, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createCoordinator() counts its start-up record in codegen_audit_records_total", async () => {
  await withConfig("audit.jsonl", async (config) => {
    const audit = new MemoryAuditSink();
    const coordinator = await createCoordinator(config, { audit });
    try {
      assert.deepEqual(audit.records.map((r) => r.kind), ["startup"]);
      const { body } = await coordinator.metrics.render();
      assert.match(body, /^codegen_audit_records_total 1$/m);
    } finally {
      await coordinator.close();
    }
  });
});

Deno.test("createCoordinator() reports an audit log it cannot open as CONFIG_INVALID naming --audit-log", async () => {
  const refused = { code: "CONFIG_INVALID", message: /^Cannot use --audit-log \(AUDIT_LOG\) "/ };
  // a directory
  await withConfig("audit", async (config) => {
    await Deno.mkdir(config.auditLog);
    await assert.rejects(createCoordinator(config), refused);
  });
  // a damaged last record
  await withConfig("audit.jsonl", async (config) => {
    await Deno.writeTextFile(config.auditLog, "{oops\n");
    await assert.rejects(createCoordinator(config), {
      ...refused,
      message: /--audit-log \(AUDIT_LOG\) ".*": .*last record is damaged/,
    });
  });
  // another writer holds it
  await withConfig("audit.jsonl", async (config) => {
    using held = await Deno.open(config.auditLog, { write: true, create: true });
    await held.lock(true);
    await assert.rejects(createCoordinator(config), {
      ...refused,
      message: /--audit-log \(AUDIT_LOG\) ".*": .*another writer holds it/,
    });
  });
});

Deno.test("createCoordinator() reports an audit log that cannot take its start-up record as CONFIG_INVALID", async () => {
  // opens, but the disk is full: one line naming --audit-log, not a stack trace
  class FullDiskSink extends MemoryAuditSink {
    closed = false;
    override append(): Promise<void> {
      return Promise.reject(new Error("No space left on device (os error 28)"));
    }
    override close(): Promise<void> {
      this.closed = true;
      return super.close();
    }
  }
  await withConfig("audit.jsonl", async (config) => {
    const audit = new FullDiskSink();
    await assert.rejects(createCoordinator(config, { audit }), {
      code: "CONFIG_INVALID",
      message: /^Cannot use --audit-log \(AUDIT_LOG\) ".*": .*No space left on device/,
    });
    assert.equal(audit.closed, true, "what it started is released");
  });
});
