import type { Redis } from "ioredis";
import { CodegenError, getLogger } from "../core/mod.ts";
import { CREDENTIALS_REFUSED, RedisConnection } from "./_redis_connection.ts";
import { parseRedisUrl } from "./_redis_url.ts";
import { loadRedisClient } from "./_redis_client.ts";
import { decodeSession, encodeSession } from "./_redis_record.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

const log = getLogger("session", "redis");

/** Options for {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; the password is never logged. */
  url: string;
  /** Prefix of every key, so coordinators of different deployments can share a server. Default `codegen:`. */
  keyPrefix?: string;
  /**
   * The sessions' idle limit. When set, keys expire after twice this long without a write,
   * so sessions vanish even if no coordinator is left to sweep them. Default: no expiry.
   */
  maxAgeMs?: number;
  /** Bound on connecting and on each command, in ms. Default 2000. */
  timeoutMs?: number;
  /**
   * The coordinator writing through this store, stamped on every record it puts. When set,
   * {@link RedisSessionStore.idleSince} returns only its own records (and unstamped ones):
   * only the coordinator serving a session knows whether a call is using it and holds its
   * worker, so another one sweeping it would end it mid-call. A crashed coordinator's
   * records expire with their keys. Default: none (every record is returned).
   */
  owner?: string;
}

const DEFAULT_PREFIX = "codegen:";
const DEFAULT_TIMEOUT_MS = 2_000;
const BATCH = 256;
/** The hash field naming the coordinator that wrote the record (see `owner`). */
const OWNER_FIELD = "owner";
/** Expiry of the start-up check's probe record, should deleting it fail. */
const PROBE_TTL_MS = 60_000;

// KEYS: session hash, activity index. ARGV: time, id, ttl in ms (0 = none).
// Moves lastActivityAt (field and score) forward only; refreshes the expiry on every use.
const TOUCH = `
local current = tonumber(redis.call('HGET', KEYS[1], 'lastActivityAt'))
if not current then return 0 end
if tonumber(ARGV[1]) > current then
  redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  local left = redis.call('PTTL', KEYS[2])
  if left < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1`;

// KEYS: the activity index. ARGV: ttl in ms. The index is shared by every coordinator on
// the server, each with its own ttl: one with a shorter ttl must not cut the others' short
// (their records would outlive the index that finds them), so its expiry only moves later.
const EXTEND_INDEX = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`;

// KEYS: session hash, activity index. ARGV: id. Drops an index entry whose record expired.
const FORGET_IF_GONE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0`;

/**
 * Sessions in Redis, shared by every coordinator pointed at the same server: one hash per
 * session at `<prefix>session:<id>` and a sorted set `<prefix>sessions:activity` of ids
 * scored by last activity. Writes touch both atomically. A down server makes each call fail
 * within a few seconds with `WORKER_UNAVAILABLE` (retriable).
 */
export class RedisSessionStore implements SessionStore {
  #connection: RedisConnection;
  #prefix: string;
  #index: string;
  #ttlMs: number;
  #owner: string | undefined;
  #db: number;

  constructor(options: RedisSessionStoreOptions) {
    for (const name of ["maxAgeMs", "timeoutMs"] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new CodegenError(
          "CONFIG_INVALID",
          `Redis ${name} must be a positive number, not ${value}`,
        );
      }
    }
    this.#connection = new RedisConnection(options.url, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.#db = parseRedisUrl(options.url).db;
    this.#prefix = options.keyPrefix ?? DEFAULT_PREFIX;
    this.#index = `${this.#prefix}sessions:activity`;
    this.#ttlMs = options.maxAgeMs === undefined ? 0 : Math.max(1, Math.ceil(2 * options.maxAgeMs));
    this.#owner = options.owner;
  }

  /** Loads the Redis client now (it is otherwise loaded on first use); see loadRedisClient. */
  async load(): Promise<void> {
    await loadRedisClient();
  }

  async get(id: string): Promise<Session | undefined> {
    const reply = await this.#connection.run((redis) =>
      redis.hgetall(this.#key(id)).then(
        (fields) => hashReply(null, fields),
        (err: unknown) => hashReply(err instanceof Error ? err : new Error(String(err)), null),
      )
    );
    return this.#decode(id, reply);
  }

  async put(session: Session): Promise<void> {
    const key = this.#key(session.id);
    await this.#connection.run(async (redis) => {
      const fields = encodeSession(session);
      if (this.#owner !== undefined) fields[OWNER_FIELD] = this.#owner;
      const tx = redis.multi().del(key).hset(key, fields);
      tx.zadd(this.#index, session.lastActivityAt, session.id);
      if (this.#ttlMs > 0) {
        tx.pexpire(key, this.#ttlMs).eval(EXTEND_INDEX, 1, this.#index, String(this.#ttlMs));
      }
      await exec(tx);
    });
  }

  async delete(id: string): Promise<void> {
    await this.#connection.run(async (redis) => {
      await exec(redis.multi().del(this.#key(id)).zrem(this.#index, id));
    });
  }

  async touch(id: string, at: number): Promise<void> {
    await this.#connection.run((redis) =>
      redis.eval(TOUCH, 2, this.#key(id), this.#index, String(at), id, String(this.#ttlMs))
    );
  }

  async idleSince(cutoff: number): Promise<Session[]> {
    const ids = await this.#connection.run((redis) =>
      redis.zrangebyscore(this.#index, "-inf", String(cutoff))
    );
    const idle: Session[] = [];
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const replies = await this.#connection.run(async (redis) => {
        const pipeline = redis.pipeline();
        for (const id of batch) pipeline.hgetall(this.#key(id));
        const results = await pipeline.exec();
        return batch.map((_, i) => hashReply(results?.[i]?.[0] ?? null, results?.[i]?.[1]));
      });
      for (const [i, id] of batch.entries()) {
        const reply = replies[i]!;
        if (!reply.err && Object.keys(reply.fields).length === 0) await this.#forgetIfGone(id);
        const owner = reply.fields[OWNER_FIELD];
        if (this.#owner !== undefined && owner !== undefined && owner !== this.#owner) continue;
        const session = this.#decode(id, reply);
        if (session) idle.push(session);
      }
    }
    return idle;
  }

  count(): Promise<number> {
    return this.#connection.run((redis) => redis.zcard(this.#index));
  }

  /**
   * Whether this store can work with the server now, for a start-up check: a read of the
   * index, so a refused password (or ACL) shows as well as a server that does not answer;
   * every command the store sends, on a probe record (an ACL user may read and not write);
   * and the database the connection uses (a number past the server's `databases` leaves it
   * on 0). `fatal` when the server answered and refused: retrying will not help, the URL or
   * the server's settings must change. Never throws.
   */
  async verify(): Promise<RedisVerdict> {
    try {
      await this.count();
      await this.#connection.run((redis) => redis.ping());
      await this.#probe();
      const db = await this.#connection.run((redis) => selectedDb(redis));
      if (db !== undefined && db !== this.#db) {
        const reason = `Redis did not select database ${this.#db} named in the URL (is it past ` +
          `the server's "databases" setting?): sessions would go to database ${db}`;
        return { ok: false, fatal: true, reason };
      }
      return { ok: true };
    } catch (err) {
      const e = CodegenError.from(err);
      const fatal = e.code !== "WORKER_UNAVAILABLE" || CREDENTIALS_REFUSED.test(e.message);
      return { ok: false, fatal, reason: e.message };
    }
  }

  /** Whether Redis answers now; for readiness checks. Never throws. */
  ping(): Promise<boolean> {
    return this.#connection.ping();
  }

  /** Ends the connection. Later calls fail. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  // The store's writes and reads, as `put`, `touch`, `delete` and `idleSince` send them
  // (the scripts call their commands for real), on a record of its own under the same key
  // names, deleted in the same transaction: none of it is ever seen by another client.
  async #probe(): Promise<void> {
    const id = `verify-${crypto.randomUUID()}`;
    const key = this.#key(id);
    const ttl = String(this.#ttlMs);
    const probe = { id, principal: "", connectionId: "", createdAt: 0, lastActivityAt: 0 };
    await this.#connection.run(async (redis) => {
      const tx = redis.multi().del(key).hset(key, encodeSession(probe)).zadd(this.#index, 0, id);
      tx.pexpire(key, this.#ttlMs || PROBE_TTL_MS);
      // only when the store sets expiries: the index's must not be set by one that does not
      if (this.#ttlMs > 0) tx.eval(EXTEND_INDEX, 1, this.#index, ttl);
      tx.eval(TOUCH, 2, key, this.#index, "1", id, ttl);
      tx.hgetall(key).zrangebyscore(this.#index, "-inf", "-inf").del(key).zrem(this.#index, id);
      tx.eval(FORGET_IF_GONE, 2, key, this.#index, id);
      await exec(tx);
    });
  }

  #key(id: string): string {
    return `${this.#prefix}session:${id}`;
  }

  /** The session, or undefined for an absent key and (with a warning) an unreadable one. */
  #decode(id: string, { err, fields }: HashReply): Session | undefined {
    if (!err && Object.keys(fields).length === 0) return undefined;
    const decoded = err ? { ok: false as const, reason: err.message } : decodeSession(id, fields);
    if (decoded.ok) return decoded.session;
    log.warn("Ignoring the unreadable Redis record of session {id}: {reason}", {
      id,
      reason: decoded.reason,
    });
    return undefined;
  }

  async #forgetIfGone(id: string): Promise<void> {
    await this.#connection.run((redis) =>
      redis.eval(FORGET_IF_GONE, 2, this.#key(id), this.#index, id)
    );
  }
}

// The database this connection uses, from CLIENT INFO (Redis 6.2 and later); undefined
// where the server cannot say.
async function selectedDb(redis: Parameters<Parameters<RedisConnection["run"]>[0]>[0]) {
  const info = await (redis.client("INFO") as Promise<string>).catch(() => undefined);
  const match = info === undefined ? null : /\bdb=(\d+)/.exec(info);
  return match ? Number(match[1]) : undefined;
}

/** What {@link RedisSessionStore.verify} found. */
export type RedisVerdict = { ok: true } | { ok: false; fatal: boolean; reason: string };

/** One session hash as read: its fields, or the error that makes it unreadable. */
interface HashReply {
  err: Error | null;
  fields: Record<string, string>;
}

/**
 * A hash read back. Another type stored under the key (WRONGTYPE) makes the record
 * unreadable rather than failing the call; any other error is thrown.
 */
function hashReply(err: Error | null, fields: unknown): HashReply {
  if (err && !err.message.startsWith("WRONGTYPE")) throw err;
  return { err, fields: (fields ?? {}) as Record<string, string> };
}

/**
 * Runs a transaction. A discarded one throws the error that made the server discard it
 * (ioredis keeps it apart from its EXECABORT): NOPERM names the command refused.
 */
async function exec(tx: ReturnType<Redis["multi"]>): Promise<void> {
  const replies = await tx.exec().catch((err: unknown) => {
    throw (err as { previousErrors?: unknown[] }).previousErrors?.[0] ?? err;
  });
  failed(replies);
}

/** Throws the first error of a transaction's replies (ioredis reports them per command). */
function failed(replies: [Error | null, unknown][] | null): void {
  if (replies === null) throw new Error("transaction aborted");
  for (const [err] of replies) if (err) throw err;
}
