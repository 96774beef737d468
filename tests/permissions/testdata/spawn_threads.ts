/**
 * Tries to start the audit thread and the worker thread from a process run with narrow
 * flags, and prints as JSON how each attempt ended: a thread cannot get a grant its parent
 * lacks. argv[0] is a fresh directory.
 */
import { createThreadAuditSink } from "../../../src/audit/mod.ts";
import { spawnWorkerThread } from "../../../src/worker/mod.ts";
import { DEFAULT_LIMITS_FOR_TESTS } from "./limits.ts";

const dir = Deno.args[0]!;

async function attempt(fn: () => Promise<{ close?(): Promise<void>; terminate?(): void }>) {
  try {
    const started = await fn();
    await started.close?.();
    started.terminate?.();
    return "ok";
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

const result = {
  audit: await attempt(() => createThreadAuditSink(`${dir}/audit/audit.jsonl`)),
  worker: await attempt(() =>
    spawnWorkerThread({
      workspaceRoot: `${dir}/ws`,
      limits: DEFAULT_LIMITS_FOR_TESTS,
      insecureNoSandbox: false,
    })
  ),
};
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(result)));
