/**
 * Sessions: one per MCP connection, bound to its principal, with idle expiry that removes
 * the session's workspace. Storage is behind {@link SessionStore} (memory or Redis).
 * @module
 */
export type { Session } from "./session.ts";
export type { SessionStore } from "./session_store.ts";
export { MemorySessionStore } from "./memory_session_store.ts";
export {
  RedisSessionStore,
  type RedisSessionStoreOptions,
  type RedisVerdict,
} from "./redis_session_store.ts";
export { type EndReason, SessionManager, type SessionManagerOptions } from "./session_manager.ts";
export { startExpirySweep } from "./expiry.ts";
