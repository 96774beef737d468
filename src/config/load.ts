import { parseArgs } from "node:util";
import { type Level, LOG_LEVELS } from "../core/mod.ts";
import type { Env, EnvVar } from "./env_vars.ts";
import {
  addressValue,
  bearerTokenValue,
  choiceValue,
  durationValue,
  hostNameValue,
  integerValue,
  invalidSetting,
  MAX_SESSIONS_PER_WORKER,
  portValue,
  type RawValue,
  secondsValue,
  SettingError,
  sizeValue,
  textValue,
  urlValue,
  workerIdValue,
  workerTokenValue,
} from "./parse_values.ts";
import { isLoopbackHost, parseHostPort } from "./hostname.ts";
import {
  type Config,
  ConfigSchema,
  type Limits,
  type WorkerConfig,
  WorkerConfigSchema,
} from "./schema.ts";
import { SETTING } from "./settings.ts";

/** Result of loading configuration: a config or one line to print before exiting 2. */
export type LoadResult<T> = { ok: true; config: T } | { ok: false; message: string };

const MiB = 1024 * 1024;
// Python needs about 16 MiB of address space to start; below it a run fails with an
// unrelated exec error. Generous, as the need varies with the Python and the C library.
const MIN_SANDBOX_MEMORY = 64 * MiB;

/** The flags `serve` takes (node:util parseArgs options); the README lists each. */
export const SERVE_OPTIONS = {
  transport: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "grpc-port": { type: "string" },
  "local-workers": { type: "string" },
  "workspace-root": { type: "string" },
  "audit-log": { type: "string" },
  "redis-url": { type: "string" },
  "admin-port": { type: "string" },
  "allowed-host": { type: "string", multiple: true },
  "insecure-no-sandbox": { type: "boolean" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-ca": { type: "string" },
  debug: { type: "boolean" },
} as const;

/** The flags `worker` takes (node:util parseArgs options); the README lists each. */
export const WORKER_OPTIONS = {
  coordinator: { type: "string" },
  listen: { type: "string" },
  advertise: { type: "string" },
  "worker-id": { type: "string" },
  "max-sessions": { type: "string" },
  "workspace-root": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-ca": { type: "string" },
  "admin-port": { type: "string" },
  "insecure-no-sandbox": { type: "boolean" },
  debug: { type: "boolean" },
} as const;

type Flags = Record<string, string | boolean | string[] | undefined>;

// Flag beats environment; returns undefined when neither is set.
function pick(flags: Flags, flag: string, env: Env, name?: EnvVar): RawValue | undefined {
  const f = flags[flag];
  if (typeof f === "string") return { text: f, source: `--${flag}` };
  if (name && env[name] !== undefined) return { text: env[name]!, source: name };
  return undefined;
}

function optional<T>(raw: RawValue | undefined, parse: (raw: RawValue) => T): T | undefined {
  return raw === undefined ? undefined : parse(raw);
}

/** The per-user data directory: `$XDG_DATA_HOME/codegen-mcp` or `~/.local/share/codegen-mcp`. */
export function defaultDataDir(env: Env): string {
  if (env.XDG_DATA_HOME) return `${env.XDG_DATA_HOME}/codegen-mcp`;
  if (env.HOME) return `${env.HOME}/.local/share/codegen-mcp`;
  return "./.codegen-mcp";
}

function logLevel(flags: Flags, env: Env): Level {
  if (flags.debug === true) return "debug";
  return optional(pick(flags, "log-level", env, "LOG_LEVEL"), (r) => choiceValue(r, LOG_LEVELS)) ??
    "info";
}

function loadLimits(env: Env): Partial<Limits> {
  const e = (name: EnvVar) => pick({}, "", env, name);
  const limits: Partial<Limits> = {
    maxFileBytes: optional(e("MAX_FILE_BYTES"), sizeValue),
    maxWorkspaceBytes: optional(e("MAX_WORKSPACE_BYTES"), sizeValue),
    maxReadBytes: optional(e("MAX_READ_BYTES"), sizeValue),
    maxRequestBytes: optional(e("MAX_REQUEST_BYTES"), sizeValue),
    maxArgumentBytes: optional(e("MAX_ARGUMENT_BYTES"), sizeValue),
    maxListEntries: optional(e("MAX_LIST_ENTRIES"), (r) => integerValue(r, 1, 1_000_000)),
    runTimeoutDefaultSeconds: optional(e("RUN_TIMEOUT_DEFAULT"), secondsValue),
    runTimeoutMaxSeconds: optional(e("RUN_TIMEOUT_MAX"), secondsValue),
    outputLimitBytes: optional(e("OUTPUT_LIMIT"), sizeValue),
    cpuSeconds: optional(e("SANDBOX_CPU_SECONDS"), (r) => integerValue(r, 1, 86_400)),
    memoryBytes: optional(e("SANDBOX_MEMORY"), sandboxMemoryValue),
    // at least 3: a stateless run is a child of the session's fork server, and under a root
    // worker the sandbox's inner launcher runs as the same uid; both count
    maxProcesses: optional(e("SANDBOX_MAX_PROCESSES"), (r) => integerValue(r, 3, 100_000)),
    maxWriteFileBytes: optional(e("SANDBOX_MAX_FILE_SIZE"), sizeValue),
    taskResultBytesPerSession: optional(e("MAX_TASK_RESULT_BYTES"), sizeValue),
    taskResultBytesTotal: optional(e("MAX_TASK_RESULT_BYTES_TOTAL"), sizeValue),
    maxHttpSessions: optional(e("MAX_HTTP_SESSIONS"), (r) => integerValue(r, 1, 100_000)),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

// Workers heartbeat at most once a second and the registry asks for three heartbeats per
// timeout: a shorter one removes healthy workers between their heartbeats.
const MIN_HEARTBEAT_TIMEOUT_MS = 3_000;

function heartbeatTimeoutValue(raw: RawValue): number {
  const ms = durationValue(raw);
  if (ms < MIN_HEARTBEAT_TIMEOUT_MS) {
    throw invalidSetting(raw.source, raw.text, "a duration of at least 3s (three heartbeats)");
  }
  return ms;
}

function sandboxMemoryValue(raw: RawValue): number {
  const bytes = sizeValue(raw);
  if (bytes < MIN_SANDBOX_MEMORY) {
    throw invalidSetting(raw.source, raw.text, "a size of at least 64MiB (Python must start)");
  }
  return bytes;
}

// for messages: field → the flag (and variable) that sets it
const SETTING_OF: Record<string, string> = SETTING;

// Text settings must not be empty: `--host ''` is a mistake, not "use the default".
function text(raw: RawValue | undefined): string | undefined {
  return optional(raw, textValue);
}

function allowedHostsOf(flags: Flags, env: Env): string[] {
  const fromFlags = ((flags["allowed-host"] as string[] | undefined) ?? []).map((entry) =>
    hostNameValue({ text: entry, source: "--allowed-host" })
  );
  const fromEnv = (env.MCP_ALLOWED_HOSTS?.split(",") ?? [])
    .map((h) => h.trim())
    .filter((h) => h !== "")
    .map((entry) => hostNameValue({ text: entry, source: "MCP_ALLOWED_HOSTS" }));
  return [...fromFlags, ...fromEnv];
}

function tlsFiles(flags: Flags): { tlsCert?: string; tlsKey?: string; tlsCa?: string } {
  const files = {
    tlsCert: text(pick(flags, "tls-cert", {})),
    tlsKey: text(pick(flags, "tls-key", {})),
    tlsCa: text(pick(flags, "tls-ca", {})),
  };
  if ((files.tlsCert === undefined) !== (files.tlsKey === undefined)) {
    const given = files.tlsCert === undefined ? "--tls-key" : "--tls-cert";
    throw new SettingError(`${given} needs its pair: give --tls-cert and --tls-key together`);
  }
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
}

// The default run timeout must fit under the maximum; blame whichever the user set.
function checkRunTimeouts(limits: Limits, env: Env): void {
  const { runTimeoutDefaultSeconds: def, runTimeoutMaxSeconds: max } = limits;
  if (def <= max) return;
  if (env.RUN_TIMEOUT_MAX !== undefined) {
    throw invalidSetting(
      "RUN_TIMEOUT_MAX",
      env.RUN_TIMEOUT_MAX,
      `at least RUN_TIMEOUT_DEFAULT (${def}s)`,
    );
  }
  throw invalidSetting(
    "RUN_TIMEOUT_DEFAULT",
    env.RUN_TIMEOUT_DEFAULT ?? `${def}s`,
    `at most RUN_TIMEOUT_MAX (${max}s)`,
  );
}

// With no embedded worker, only remote ones can run code, and they need the lifecycle port.
function checkSomeWorkerCanRun(config: Config, flags: Flags, env: Env): void {
  if (config.localWorkers > 0 || config.grpcPort !== undefined) return;
  const source = pick(flags, "local-workers", env, "LOCAL_WORKERS")?.source ?? "--local-workers";
  throw new SettingError(
    `${source} 0 needs --grpc-port (GRPC_PORT) in stdio mode: no remote worker could register`,
  );
}

function wrap<T>(build: () => T): LoadResult<T> {
  try {
    return { ok: true, config: build() };
  } catch (err) {
    if (err instanceof SettingError) return { ok: false, message: err.message };
    if (err instanceof TypeError && "code" in err) {
      // node:util parseArgs: unknown flag or missing value; --help lists each command's flags
      return { ok: false, message: `${err.message.replaceAll("\n", " ")} (try --help)` };
    }
    const issue = (err as { issues?: { path: unknown[]; message: string }[] }).issues?.[0];
    if (issue) {
      // the value parsers catch what a user can type; name the setting if one slips through
      const field = issue.path.join(".");
      return { ok: false, message: `invalid ${SETTING_OF[field] ?? field}: ${issue.message}` };
    }
    throw err;
  }
}

/** Builds the coordinator `Config` from `serve` arguments and the environment. */
export function loadConfig(args: string[], env: Env): LoadResult<Config> {
  return wrap(() => {
    const { values: flags } = parseArgs({ args, options: SERVE_OPTIONS, strict: true });
    const transport = optional(pick(flags, "transport", env, "MCP_TRANSPORT"), (r) =>
      choiceValue(r, ["stdio", "http"] as const)) ?? "stdio";
    const grpcRaw = pick(flags, "grpc-port", env, "GRPC_PORT");
    const dataDir = defaultDataDir(env);
    const allowedHosts = allowedHostsOf(flags, env);
    const insecure = flags["insecure-no-sandbox"] === true;
    const config = ConfigSchema.parse({
      transport,
      host: text(pick(flags, "host", env, "HTTP_HOST")),
      port: optional(pick(flags, "port", env, "HTTP_PORT"), portValue),
      // http mode always listens for workers; stdio only when asked, so two desktop
      // clients can run side by side
      grpcPort: grpcRaw ? portValue(grpcRaw) : transport === "http" ? 50050 : undefined,
      localWorkers: optional(pick(flags, "local-workers", env, "LOCAL_WORKERS"), (r) =>
        integerValue(r, 0, 64)),
      workspaceRoot: text(pick(flags, "workspace-root", env, "WORKSPACE_ROOT")) ??
        `${dataDir}/workspaces`,
      auditLog: text(pick(flags, "audit-log", env, "AUDIT_LOG")) ?? `${dataDir}/audit.jsonl`,
      redisUrl: optional(pick(flags, "redis-url", env, "REDIS_URL"), (r) =>
        urlValue(r, ["redis", "rediss"])),
      logLevel: logLevel(flags, env),
      sessionMaxAgeMs: optional(pick(flags, "", env, "SESSION_MAX_AGE"), durationValue),
      cleanupIntervalMs: optional(pick(flags, "", env, "CLEANUP_INTERVAL"), durationValue),
      workerHeartbeatTimeoutMs: optional(
        pick(flags, "", env, "WORKER_HEARTBEAT_TIMEOUT"),
        heartbeatTimeoutValue,
      ),
      workerToken: optional(pick({}, "", env, "WORKER_TOKEN"), workerTokenValue),
      mcpAuthToken: optional(pick(flags, "", env, "MCP_AUTH_TOKEN"), bearerTokenValue),
      allowedHosts,
      adminPort: optional(pick(flags, "admin-port", env, "ADMIN_PORT"), portValue),
      insecureNoSandbox: insecure,
      pipIndexUrl: optional(pick(flags, "", env, "PIP_INDEX_URL"), (r) =>
        urlValue(r, ["http", "https", "file"])),
      ...tlsFiles(flags),
      limits: loadLimits(env),
    });
    checkRunTimeouts(config.limits, env);
    checkSomeWorkerCanRun(config, flags, env);
    return config;
  });
}

/** Builds the `WorkerConfig` from `worker` arguments and the environment. */
export function loadWorkerConfig(args: string[], env: Env): LoadResult<WorkerConfig> {
  return wrap(() => {
    const { values: flags } = parseArgs({ args, options: WORKER_OPTIONS, strict: true });
    const coordinator = optional(pick(flags, "coordinator", env, "COORDINATOR_ADDR"), addressValue);
    if (!coordinator) {
      throw new SettingError(
        "missing --coordinator: give the coordinator's gRPC HOST:PORT (or set COORDINATOR_ADDR)",
      );
    }
    const listen = optional(pick(flags, "listen", env, "WORKER_LISTEN"), addressValue);
    const config = WorkerConfigSchema.parse({
      coordinator,
      listen,
      // unset: the worker advertises the address it actually bound
      advertise: optional(pick(flags, "advertise", env, "WORKER_ADVERTISE"), addressValue),
      workerId: optional(pick(flags, "worker-id", env, "WORKER_ID"), workerIdValue) ??
        `worker-${crypto.randomUUID().slice(0, 8)}`,
      maxSessions: optional(
        pick(flags, "max-sessions", env, "MAX_SESSIONS"),
        (r) => integerValue(r, 1, MAX_SESSIONS_PER_WORKER),
      ),
      workspaceRoot: text(pick(flags, "workspace-root", env, "WORKSPACE_ROOT")) ??
        `${defaultDataDir(env)}/worker-workspaces`,
      logLevel: logLevel(flags, env),
      workerToken: optional(pick({}, "", env, "WORKER_TOKEN"), workerTokenValue),
      ...tlsFiles(flags),
      insecureNoSandbox: flags["insecure-no-sandbox"] === true,
      pipIndexUrl: optional(
        pick(flags, "", env, "PIP_INDEX_URL"),
        (r) => urlValue(r, ["http", "https", "file"]),
      ),
      adminPort: optional(pick(flags, "admin-port", env, "ADMIN_PORT"), portValue),
      limits: loadLimits(env),
    });
    checkRunTimeouts(config.limits, env);
    checkWorkerExposure(config, flags, env);
    return config;
  });
}

// A worker runs whatever code its callers send: one reachable from other machines must
// demand the token, or anyone who can reach the port can use it.
function checkWorkerExposure(config: WorkerConfig, flags: Flags, env: Env): void {
  if (config.workerToken) return;
  const { host } = parseHostPort(config.listen);
  if (isLoopbackHost(host)) return;
  const source = pick(flags, "listen", env, "WORKER_LISTEN")?.source ?? "--listen";
  throw new SettingError(
    `${source} ${config.listen} is reachable from other machines and WORKER_TOKEN is not set: ` +
      "anyone who reaches it could run code here; set WORKER_TOKEN (the coordinator's)",
  );
}
