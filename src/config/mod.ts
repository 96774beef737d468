/**
 * One typed configuration from command-line flags and environment variables, validated
 * with zod. Bad values become one line naming the flag or variable (the caller exits 2).
 * @module
 */
export {
  type Config,
  ConfigSchema,
  type Limits,
  LimitsSchema,
  type WorkerConfig,
  WorkerConfigSchema,
} from "./schema.ts";
export {
  defaultDataDir,
  loadConfig,
  type LoadResult,
  loadWorkerConfig,
  SERVE_OPTIONS,
  WORKER_OPTIONS,
} from "./load.ts";
export { type Env, ENV_VARS, type EnvVar, readEnv } from "./env_vars.ts";
export { parseCommand, type ParsedCommand } from "./command.ts";
export {
  bareHost,
  isLoopbackHost,
  joinHostPort,
  normalizeHostname,
  parseHostPort,
} from "./hostname.ts";
export { MAX_DURATION_MS, MAX_SESSIONS_PER_WORKER } from "./parse_values.ts";
export { SETTING } from "./settings.ts";
export {
  errorDetail,
  isBindError,
  listenFailure,
  type ListenTarget,
  pathFailure,
  startupFailure,
} from "./startup_failure.ts";
