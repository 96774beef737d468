import type { Redis } from "ioredis";
import { CodegenError } from "../core/mod.ts";

/**
 * A new ioredis client that connects only when asked, never reconnects or queues on its
 * own, and bounds connecting and each command by `timeoutMs`.
 *
 * ioredis is imported here, on first use, because loading it reads the whole environment
 * (its `debug` dependency): a coordinator without Redis must not need that permission.
 */
export async function createRedisClient(url: string, timeoutMs: number): Promise<Redis> {
  const RedisClient = await loadRedisClient();
  return new RedisClient(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    disconnectTimeout: timeoutMs,
  });
}

let loading: Promise<typeof Redis> | undefined;

/**
 * Loads ioredis once. The coordinator calls it at start-up when Redis is configured, so a
 * process that cannot load it (no env grant, no --ignore-env) fails then, not at the first
 * call; CONFIG_INVALID, as the fix is in how the program is run.
 */
export function loadRedisClient(): Promise<typeof Redis> {
  return loading ??= import("ioredis").then((m) => m.Redis, (err: unknown) => {
    loading = undefined;
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError(
      "CONFIG_INVALID",
      `Cannot load the Redis client for --redis-url (REDIS_URL): ${detail} (it reads the ` +
        "environment: grant env access or run with --ignore-env)",
      { cause: err },
    );
  });
}
