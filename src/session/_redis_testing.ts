// Test helper for the Redis session store's tests.
import { Redis } from "ioredis";

/** A plain client for looking behind the store; closed by `await using`. */
export function rawClient(url: string): Redis & AsyncDisposable {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  return Object.assign(redis, {
    async [Symbol.asyncDispose]() {
      await redis.quit();
    },
  });
}
