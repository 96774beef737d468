/**
 * Every environment variable the program reads. The permission sets in deno.json grant
 * exactly these (plus the few its libraries read), so keep the two lists in step.
 */
export const ENV_VARS = [
  // seed variables
  "LOG_LEVEL",
  "SESSION_MAX_AGE",
  "CLEANUP_INTERVAL",
  "GRPC_PORT",
  "WORKER_HEARTBEAT_TIMEOUT",
  // coordinator
  "MCP_TRANSPORT",
  "HTTP_HOST",
  "HTTP_PORT",
  "LOCAL_WORKERS",
  "WORKSPACE_ROOT",
  "AUDIT_LOG",
  "REDIS_URL",
  "MCP_AUTH_TOKEN",
  "MCP_ALLOWED_HOSTS",
  "ADMIN_PORT",
  // worker
  "WORKER_TOKEN",
  "COORDINATOR_ADDR",
  "WORKER_ID",
  "WORKER_LISTEN",
  "WORKER_ADVERTISE",
  "MAX_SESSIONS",
  "PIP_INDEX_URL",
  // limits
  "MAX_FILE_BYTES",
  "MAX_WORKSPACE_BYTES",
  "MAX_READ_BYTES",
  "MAX_REQUEST_BYTES",
  "MAX_ARGUMENT_BYTES",
  "MAX_LIST_ENTRIES",
  "RUN_TIMEOUT_DEFAULT",
  "RUN_TIMEOUT_MAX",
  "OUTPUT_LIMIT",
  "SANDBOX_CPU_SECONDS",
  "SANDBOX_MEMORY",
  "SANDBOX_MAX_PROCESSES",
  "SANDBOX_MAX_FILE_SIZE",
  "MAX_TASK_RESULT_BYTES",
  "MAX_TASK_RESULT_BYTES_TOTAL",
  "MAX_HTTP_SESSIONS",
  // where the default data directory lives
  "XDG_DATA_HOME",
  "HOME",
] as const;

/** One of {@link ENV_VARS}. */
export type EnvVar = typeof ENV_VARS[number];

/** The environment as the loader sees it: only the variables it knows. */
export type Env = Partial<Record<EnvVar, string>>;

// Secrets whose empty value is refused, not taken as unset: an empty token is what an unset
// secret interpolated into the environment gives, and taken as unset it turned the check off.
const KEPT_WHEN_EMPTY: ReadonlySet<EnvVar> = new Set(["MCP_AUTH_TOKEN", "WORKER_TOKEN"]);

/**
 * Reads the known variables this process may read; ungranted ones count as unset, and so do
 * empty ones, except the secrets (refused when empty).
 */
export function readEnv(): Env {
  const env: Env = {};
  for (const name of ENV_VARS) {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") continue;
    const value = Deno.env.get(name);
    if (value !== undefined && (value !== "" || KEPT_WHEN_EMPTY.has(name))) env[name] = value;
  }
  return env;
}
