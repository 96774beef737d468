import { z } from "zod";
import { LOG_LEVELS } from "../core/mod.ts";

const MiB = 1024 * 1024;

/** Limits the coordinator and workers enforce; every size, count and time is bounded. */
export const LimitsSchema = z.object({
  /** Largest file fs.write may create and fs.read may return whole. */
  maxFileBytes: z.number().int().positive().default(10 * MiB),
  /**
   * Most bytes of regular files one session's workspace may hold: fs.write refuses past it,
   * and the Python tools refuse to start while the workspace is over it.
   */
  maxWorkspaceBytes: z.number().int().positive().default(1024 * MiB),
  /** Largest slice fs.read returns before `truncated` / `TOO_LARGE`. */
  maxReadBytes: z.number().int().positive().default(1 * MiB),
  /** Largest HTTP request body. */
  maxRequestBytes: z.number().int().positive().default(16 * MiB),
  /** Largest single string argument (code, contents, message). */
  maxArgumentBytes: z.number().int().positive().default(12 * MiB),
  /** Most entries fs.list returns. */
  maxListEntries: z.number().int().positive().default(10_000),
  /** Longest path accepted, in bytes. */
  maxPathBytes: z.number().int().positive().default(4096),
  runTimeoutDefaultSeconds: z.number().int().positive().default(30),
  runTimeoutMaxSeconds: z.number().int().positive().default(600),
  /** Cap on each of stdout and stderr of a run. */
  outputLimitBytes: z.number().int().positive().default(1 * MiB),
  /** RLIMIT_CPU of a sandboxed run, and of each call to a stateful interpreter. */
  cpuSeconds: z.number().int().positive().default(60),
  /** RLIMIT_AS of a sandboxed run. */
  memoryBytes: z.number().int().positive().default(1024 * MiB),
  /**
   * RLIMIT_NPROC of a sandboxed run, each in a sandbox of its own. The fork server a
   * stateless run comes from (and, in some sandboxes, bubblewrap's init) count too, hence
   * at least 3.
   */
  maxProcesses: z.number().int().min(3).default(64),
  /** RLIMIT_FSIZE of a sandboxed run. */
  maxWriteFileBytes: z.number().int().positive().default(100 * MiB),
  /** Async task results kept per session, and for how long. */
  maxTasksPerSession: z.number().int().positive().default(32),
  taskResultTtlMs: z.number().int().positive().default(15 * 60_000),
  /**
   * Bytes of finished async task results the coordinator keeps (about the length of their
   * text), per session and over all sessions; past either, the oldest results are dropped.
   */
  taskResultBytesPerSession: z.number().int().positive().default(32 * MiB),
  taskResultBytesTotal: z.number().int().positive().default(256 * MiB),
  /** MCP HTTP sessions (Streamable HTTP and SSE) open at once; a new one past it gets 503. */
  maxHttpSessions: z.number().int().positive().default(1_000),
});
export type Limits = z.infer<typeof LimitsSchema>;

/** The coordinator's (and the embedded worker's) configuration. */
export const ConfigSchema = z.object({
  transport: z.enum(["stdio", "http"]).default("stdio"),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Worker-lifecycle gRPC port; `undefined` = not opened (stdio without `--grpc-port`). */
  grpcPort: z.number().int().min(0).max(65535).optional(),
  localWorkers: z.number().int().min(0).max(64).default(1),
  workspaceRoot: z.string().min(1),
  auditLog: z.string().min(1),
  redisUrl: z.string().url().optional(),
  logLevel: z.enum(LOG_LEVELS).default("info"),
  sessionMaxAgeMs: z.number().int().positive().default(30 * 60_000),
  cleanupIntervalMs: z.number().int().positive().default(5 * 60_000),
  workerHeartbeatTimeoutMs: z.number().int().positive().default(5 * 60_000),
  /** Shared secret between coordinator and workers. Never logged. */
  workerToken: z.string().min(1).optional(),
  /** Bearer token the HTTP transport requires when set. Never logged. */
  mcpAuthToken: z.string().min(1).optional(),
  /** Extra `Host`/`Origin` host names the HTTP transport accepts besides loopback names. */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** Admin listener for /healthz, /readyz, /metrics when given. */
  adminPort: z.number().int().min(0).max(65535).optional(),
  /** Python runs without bubblewrap (explicit, logged opt-out). */
  insecureNoSandbox: z.boolean().default(false),
  /** Default package index for pkg.install. */
  pipIndexUrl: z.string().url().optional(),
  /** TLS for the worker-lifecycle listener and the connections to workers (PEM files). */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** CA that signs worker certificates; with it, mutual TLS is required. */
  tlsCa: z.string().min(1).optional(),
  /** How long the HTTP front, stopped by a signal, lets the calls running finish. */
  drainGraceMs: z.number().int().positive().default(30_000),
  limits: LimitsSchema,
});
export type Config = z.infer<typeof ConfigSchema>;

/** Configuration of `codegen-mcp worker`. */
export const WorkerConfigSchema = z.object({
  coordinator: z.string().min(1),
  listen: z.string().min(1).default("127.0.0.1:50051"),
  advertise: z.string().min(1).optional(),
  workerId: z.string().min(1),
  maxSessions: z.number().int().positive().default(16),
  workspaceRoot: z.string().min(1),
  logLevel: z.enum(LOG_LEVELS).default("info"),
  workerToken: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  tlsCa: z.string().min(1).optional(),
  insecureNoSandbox: z.boolean().default(false),
  pipIndexUrl: z.string().url().optional(),
  drainGraceMs: z.number().int().positive().default(30_000),
  adminPort: z.number().int().min(0).max(65535).optional(),
  limits: LimitsSchema,
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
