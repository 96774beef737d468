import type { Redis } from "ioredis";
import { CodegenError, getLogger } from "../core/mod.ts";
import { createRedisClient } from "./_redis_client.ts";
import { parseRedisUrl, redact } from "./_redis_url.ts";

const log = getLogger("session", "redis");

/** The server's words for a missing or wrong password (or ACL user), old and new. */
export const CREDENTIALS_REFUSED = /\b(NOAUTH|WRONGPASS)\b|invalid password|invalid username/i;

/**
 * One Redis connection whose every call is bounded: it connects on first use (and again
 * after a drop) instead of retrying in the background, queues nothing while offline, and
 * turns failures into `CodegenError`s that name the server without its password.
 */
export class RedisConnection {
  #url: string;
  #where: string;
  #secrets: string[];
  #timeoutMs: number;
  #client: Promise<Redis> | undefined;
  #connecting: Promise<void> | undefined;
  #lastError: string | undefined;
  #closed = false;

  constructor(url: string, timeoutMs: number) {
    const parts = parseRedisUrl(url);
    this.#url = url;
    this.#where = parts.where;
    this.#secrets = parts.secrets;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs `call` once connected; at most about twice the timeout, whatever the server does. */
  async run<T>(call: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new CodegenError("INTERNAL", "Redis session store is closed");
    try {
      const done = this.#ready().then(call);
      return await withDeadline(done, 2 * this.#timeoutMs);
    } catch (err) {
      if (err instanceof DeadlineError) await this.#dropIfStuck();
      throw this.#wrap(err);
    }
  }

  /** Whether the server answers PING now. Never throws. */
  async ping(): Promise<boolean> {
    try {
      return await this.run((redis) => redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  /** Sends QUIT (or drops the socket if that fails) and waits until the connection ended. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const redis = await this.#client?.catch(() => undefined);
    if (!redis) return;
    if (redis.status === "wait" || redis.status === "end") {
      redis.disconnect();
      return;
    }
    const ended = new Promise<void>((resolve) => redis.once("end", () => resolve()));
    if (redis.status === "ready") {
      await withDeadline(redis.quit(), this.#timeoutMs).catch(() => {
        // no answer: the disconnect below ends it
      });
    }
    if (statusOf(redis) !== "end") redis.disconnect();
    // a peer that never closes its side is cut off after `disconnectTimeout` (= timeoutMs)
    await withDeadline(ended, 2 * this.#timeoutMs).catch((err: unknown) => {
      log.warn("Redis at {where} did not close: {error}", {
        where: this.#where,
        error: String(err),
      });
    });
  }

  async #ready(): Promise<Redis> {
    const redis = await (this.#client ??= this.#createClient());
    const status = redis.status;
    if (status === "ready") return redis;
    if (!this.#connecting && (status === "wait" || status === "end")) {
      this.#lastError = undefined;
      this.#connecting = redis.connect().finally(() => this.#connecting = undefined);
    }
    await this.#connecting;
    return redis;
  }

  async #createClient(): Promise<Redis> {
    const redis = await createRedisClient(this.#url, this.#timeoutMs);
    redis.on("ready", () => this.#lastError = undefined);
    redis.on("error", (err: unknown) => {
      this.#lastError = redact(messageOf(err), this.#secrets);
      log.debug("Redis at {where}: {error}", { where: this.#where, error: this.#lastError });
    });
    return redis;
  }

  /** A connection attempt stuck past the deadline is dropped, so the next call starts afresh. */
  async #dropIfStuck(): Promise<void> {
    const redis = await this.#client?.catch(() => undefined);
    if (redis && redis.status !== "ready") redis.disconnect();
  }

  #wrap(err: unknown): CodegenError {
    if (err instanceof CodegenError) return err;
    let detail = redact(messageOf(err), this.#secrets);
    const name = err instanceof Error ? err.name : "Error";
    const refused = name === "ReplyError" && !CREDENTIALS_REFUSED.test(detail);
    // ioredis's own words for "no connection"; the error event said why
    if (!refused && /connection is closed/i.test(detail)) detail = this.#lastError ?? detail;
    if (!refused && /enableOfflineQueue/.test(detail)) {
      detail = this.#lastError ?? "the connection was closed";
    }
    // a copy: ioredis attaches the command's arguments (AUTH's password) to its errors
    const cause = Object.assign(new Error(detail), { name });
    if (refused) {
      const message = `Redis at ${this.#where} refused a command: ${detail}`;
      return new CodegenError("INTERNAL", message, { cause });
    }
    // retriable for a client, as a server (or URL) fixed by the operator serves it again
    const message = CREDENTIALS_REFUSED.test(detail)
      ? `Redis at ${this.#where} refused the credentials in the URL: ${detail}`
      : `Redis at ${this.#where} is unreachable: ${detail}`;
    return new CodegenError("WORKER_UNAVAILABLE", message, { retriable: true, cause });
  }
}

// read afresh: TypeScript narrows `status` across awaits as if it could not change
function statusOf(redis: Redis): string {
  return redis.status;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class DeadlineError extends Error {
  override name = "DeadlineError";
}

/** `promise`, or a rejection after `ms`; the timer never outlives the race. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late failure after the deadline is already reported
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
