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
  let RedisClient: typeof Redis;
  try {
    RedisClient = (await import("ioredis")).Redis;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError(
      "INTERNAL",
      `Cannot load the Redis client: ${detail} (it reads the environment: grant env access or run with --ignore-env)`,
      { cause: err },
    );
  }
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
