import { type AuditSink, createThreadAuditSink } from "../audit/mod.ts";
import { type Config, pathFailure, SETTING } from "../config/mod.ts";
import { type Clock, CodegenError, getLogger, RANDOM_IDS, SYSTEM_CLOCK } from "../core/mod.ts";
import {
  AsyncTasks,
  defaultArgumentBudget,
  type McpDeps,
  ThreadStdout,
  toolNames,
} from "../mcp/mod.ts";
import {
  type CoordinatorMetrics,
  createCoordinatorMetrics,
  InFlight,
} from "../observability/mod.ts";
import { Router } from "../router/mod.ts";
import {
  MemorySessionStore,
  RedisSessionStore,
  SessionManager,
  type SessionStore,
  startExpirySweep,
} from "../session/mod.ts";
import { createEmbeddedWorkers } from "./embedded_workers.ts";
import type { Fleet } from "./fleet.ts";
import {
  describePermissions,
  dropFrontPermissions,
  frontNeedsNet,
  permissionsAuditEvent,
  threadGrants,
} from "./permissions.ts";

const log = getLogger("app");

/** The coordinator's long-lived parts, shared by every connection and transport. */
export interface Coordinator {
  deps: McpDeps;
  /** Remote workers, when the lifecycle listener runs or there are no embedded workers. */
  fleet: Fleet | undefined;
  metrics: CoordinatorMetrics;
  /** Workers that could take a new session now (embedded ones always can). */
  workersWithCapacity(): number;
  /** Redis reachability, when sessions live in Redis. */
  redisPing: (() => Promise<boolean>) | undefined;
  /** Hooks a transport registers so expiry can close its connection too. */
  onConnectionEnded: Set<(connectionId: string) => Promise<void> | void>;
  close(): Promise<void>;
}

/** Options for {@link createCoordinator}. */
export interface CoordinatorOptions {
  clock?: Clock;
  /** Use this sink instead of opening `config.auditLog` (tests). */
  audit?: AuditSink;
  /**
   * Revoke write, run (and net when unused) from this thread once the audit and worker
   * threads hold their narrowed grants. Off for tests that build a coordinator in-process.
   */
  dropPermissions?: boolean;
}

// counts records as they are written, for codegen_audit_records_total
function countingSink(sink: AuditSink, count: () => void): AuditSink {
  return {
    async append(event) {
      await sink.append(event);
      count();
    },
    close: () => sink.close(),
  };
}

// A log that cannot be opened (a directory, damaged at the end, held by another writer) is
// the setting's fault: one line naming it and exit 2, not a stack trace.
async function openAuditLog(config: Config, clock: Clock): Promise<AuditSink> {
  try {
    return await createThreadAuditSink(config.auditLog, { clock });
  } catch (err) {
    throw pathFailure(err, config.auditLog, SETTING.auditLog);
  }
}

/**
 * Loads the Redis client and reads from the server once. A server that refuses the URL's
 * password (or its user) is a configuration fault: one line and exit 2, not a coordinator
 * that starts and answers every call with a retriable error. One that does not answer yet
 * (Redis starting after the coordinator) is only logged: readiness reports it meanwhile.
 */
async function checkRedis(store: RedisSessionStore): Promise<void> {
  await store.load();
  const verdict = await store.verify();
  if (verdict.ok) return;
  if (verdict.fatal) {
    await store.close();
    throw new CodegenError(
      "CONFIG_INVALID",
      `Cannot use --redis-url (REDIS_URL): ${verdict.reason}`,
    );
  }
  log.warn("Redis does not answer yet; sessions wait for it: {reason}", { reason: verdict.reason });
}

/**
 * Builds sessions, routing, the embedded workers, remote workers when configured,
 * background tasks, metrics and the audit log, and starts the idle-session sweep. Closing
 * releases them in reverse order.
 */
export async function createCoordinator(
  config: Config,
  options: CoordinatorOptions = {},
): Promise<Coordinator> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const rawAudit = options.audit ?? await openAuditLog(config, clock);
  // names this process's session records, so that of several coordinators sharing Redis
  // each sweeps only the sessions it serves
  const instance = RANDOM_IDS.next();
  const store: SessionStore = config.redisUrl
    ? new RedisSessionStore({
      url: config.redisUrl,
      owner: instance,
      // records live twice this: long enough for a run that outlasts SESSION_MAX_AGE, as
      // the key's time is renewed only when a call starts or ends, and for the sweep that
      // comes up to CLEANUP_INTERVAL after a session went idle to still find its record
      maxAgeMs: Math.max(config.sessionMaxAgeMs, config.limits.runTimeoutMaxSeconds * 1000) +
        config.cleanupIntervalMs,
    })
    : new MemorySessionStore();
  // fail at start-up, not at the first call, when the Redis client cannot load or the
  // server refuses the URL's password; before workers may register
  if (store instanceof RedisSessionStore) await checkRedis(store);
  const fleet = config.grpcPort !== undefined || config.localWorkers === 0
    // started only when needed: stdio with embedded workers opens no port and keeps no registry
    ? await (await import("./fleet.ts")).startFleet(config, { clock })
    : undefined;
  const router = new Router({
    local: await createEmbeddedWorkers(config),
    ...(fleet ? { remote: fleet } : {}),
  });
  const tasks = new AsyncTasks({
    maxPerSession: config.limits.maxTasksPerSession,
    maxResultBytesPerSession: config.limits.taskResultBytesPerSession,
    maxResultBytesTotal: config.limits.taskResultBytesTotal,
    resultTtlMs: config.limits.taskResultTtlMs,
    clock,
  });
  const onConnectionEnded = new Set<(connectionId: string) => Promise<void> | void>();
  const sessions = new SessionManager({
    store,
    maxAgeMs: config.sessionMaxAgeMs,
    clock,
    async onEnd(session, reason) {
      // a replaced session's connection lives on with a new one, and its tasks with it
      if (reason !== "replaced") tasks.closeOwner(session.connectionId);
      await router.endSession(session);
      if (reason === "expired") {
        for (const hook of onConnectionEnded) await hook(session.connectionId);
      }
    },
  });
  const inFlight = new InFlight();
  const metrics = createCoordinatorMetrics({
    // this process's own: on a shared Redis the store counts every replica's, and while it
    // cannot be read (or lost records) it would say nothing true about this one
    activeSessions: () => sessions.servedCount,
    workersRegistered: () => config.localWorkers + (fleet?.registry.size ?? 0),
    workersHealthy: () => config.localWorkers + (fleet?.registry.healthyCount() ?? 0),
    tasksInFlight: () => inFlight.count,
  }, { tools: toolNames(config) });
  const audit = countingSink(rawAudit, () => metrics.auditRecord());
  // its script loads with this thread's read permission, so before that is dropped
  const stdout = options.dropPermissions && config.transport === "stdio"
    ? await ThreadStdout.start()
    : undefined;
  const release = async () => {
    stdout?.close();
    await tasks.close();
    await router.close();
    await fleet?.close();
    await store.close();
    await audit.close();
  };
  if (options.dropPermissions) await dropFrontPermissions({ keepNet: frontNeedsNet(config) });
  // one record of what this process and its threads may touch, after the narrowing; counted
  // like any other record
  try {
    await audit.append(permissionsAuditEvent(await describePermissions(), threadGrants(config)));
  } catch (err) {
    // a log that opens but cannot take a record (a full disk) is the setting's fault too
    await release().catch(() => {});
    throw pathFailure(err, config.auditLog, SETTING.auditLog);
  }
  const sweep = startExpirySweep(sessions, config.cleanupIntervalMs);
  // results past their TTL are refused when asked for; this frees their memory too
  const taskSweep = setInterval(() => tasks.sweep(), config.cleanupIntervalMs);
  Deno.unrefTimer(taskSweep);
  const deps: McpDeps = {
    config,
    sessions,
    router,
    audit,
    tasks,
    clock,
    inFlight,
    arguments: defaultArgumentBudget(config.limits.maxArgumentBytes),
    onToolCall: (tool, outcome, ms) => metrics.toolCall(tool, outcome, ms),
    onSandboxKill: (reason) => metrics.sandboxKill(reason),
    ...(stdout ? { stdout } : {}),
  };
  log.info("Coordinator ready: {workers} embedded worker(s), workspaces under {root}", {
    workers: config.localWorkers,
    root: config.workspaceRoot,
    sessions: config.redisUrl ? "redis" : "memory",
    instance,
  });
  return {
    deps,
    fleet,
    metrics,
    workersWithCapacity: () => config.localWorkers + (fleet?.registry.hasCapacity() ? 1 : 0),
    redisPing: store instanceof RedisSessionStore ? () => store.ping() : undefined,
    onConnectionEnded,
    async close() {
      sweep.stop();
      clearInterval(taskSweep);
      await release();
    },
  };
}
