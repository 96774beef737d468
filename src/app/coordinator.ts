import { type AuditSink, createFileAuditSink } from "../audit/mod.ts";
import type { Config } from "../config/mod.ts";
import { type Clock, getLogger, SYSTEM_CLOCK } from "../core/mod.ts";
import { AsyncTasks, type McpDeps } from "../mcp/mod.ts";
import { Router } from "../router/mod.ts";
import { MemorySessionStore, SessionManager, startExpirySweep } from "../session/mod.ts";
import { createEmbeddedWorkers } from "./embedded_workers.ts";
import type { Fleet } from "./fleet.ts";

const log = getLogger("app");

/** The coordinator's long-lived parts, shared by every connection and transport. */
export interface Coordinator {
  deps: McpDeps;
  /** Remote workers, when the lifecycle listener runs or there are no embedded workers. */
  fleet: Fleet | undefined;
  /** Hooks a transport registers so expiry can close its connection too. */
  onConnectionEnded: Set<(connectionId: string) => Promise<void> | void>;
  close(): Promise<void>;
}

/** Options for {@link createCoordinator}. */
export interface CoordinatorOptions {
  clock?: Clock;
  /** Use this sink instead of opening `config.auditLog` (tests). */
  audit?: AuditSink;
}

/**
 * Builds sessions, routing, the embedded workers, background tasks and the audit log,
 * and starts the idle-session sweep. Closing releases them in reverse order.
 */
export async function createCoordinator(
  config: Config,
  options: CoordinatorOptions = {},
): Promise<Coordinator> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const audit = options.audit ?? await createFileAuditSink(config.auditLog, { clock });
  const fleet = config.grpcPort !== undefined || config.localWorkers === 0
    // loaded only when needed: stdio with embedded workers never loads gRPC
    ? await (await import("./fleet.ts")).startFleet(config, { clock })
    : undefined;
  const router = new Router({
    local: createEmbeddedWorkers(config),
    ...(fleet ? { remote: fleet } : {}),
  });
  const tasks = new AsyncTasks({
    maxPerSession: config.limits.maxTasksPerSession,
    resultTtlMs: config.limits.taskResultTtlMs,
    clock,
  });
  const onConnectionEnded = new Set<(connectionId: string) => Promise<void> | void>();
  const sessions = new SessionManager({
    store: new MemorySessionStore(),
    maxAgeMs: config.sessionMaxAgeMs,
    clock,
    async onEnd(session, reason) {
      tasks.closeOwner(session.connectionId);
      await router.endSession(session);
      if (reason === "expired") {
        for (const hook of onConnectionEnded) await hook(session.connectionId);
      }
    },
  });
  const sweep = startExpirySweep(sessions, config.cleanupIntervalMs);
  const deps: McpDeps = { config, sessions, router, audit, tasks, clock };
  log.info("Coordinator ready: {workers} embedded worker(s), workspaces under {root}", {
    workers: config.localWorkers,
    root: config.workspaceRoot,
  });
  return {
    deps,
    fleet,
    onConnectionEnded,
    async close() {
      sweep.stop();
      await tasks.close();
      await router.close();
      await fleet?.close();
      await audit.close();
    },
  };
}
