/**
 * Fakes for the router's tests: a real registry, remote worker clients that keep sessions
 * and file counts in memory.
 * @module
 */
import assert from "node:assert/strict";
import { CodegenError, FakeClock } from "../core/mod.ts";
import { type RegisterRequest, WorkerRegistry } from "../registry/mod.ts";
import type { SessionLimits, TaskOutcome } from "../rpc/mod.ts";
import type { Session } from "../session/mod.ts";
import type { RemoteWorkers } from "./router.ts";
import type { WorkerClient } from "./worker_client.ts";

// the router passes limits through and never reads them
export const LIMITS = { max_file_bytes: 1 } as SessionLimits;

export function registration(workerId: string, maxSessions: number): RegisterRequest {
  return {
    workerId,
    tokenFingerprint: "fingerprint",
    address: `${workerId}:50051`,
    capabilities: { tools: ["fs.read"], languages: ["python"], maxSessions },
    version: "0.1.0",
  };
}

export function registryWith(workers: Record<string, number>): WorkerRegistry {
  const registry = new WorkerRegistry({ clock: new FakeClock(), heartbeatTimeoutMs: 300_000 });
  for (const [id, max] of Object.entries(workers)) {
    assert.ok(registry.register(registration(id, max)).accepted);
  }
  return registry;
}

/** A fake client and what it holds: each session, its file count, and which hold state. */
export interface FakeClient {
  client: WorkerClient;
  sessions: Set<string>;
  files: Map<string, number>;
  /** Sessions with a venv or a running interpreter there. */
  state: Set<string>;
}

/**
 * A remote worker's client that records sessions, or refuses new ones as full; `files` and
 * `state` are what `workspace.stats` reports of each session.
 */
export function fakeClient(
  workerId: string,
  options: { full?: boolean; refuse?: CodegenError } = {},
): FakeClient {
  const sessions = new Set<string>();
  const files = new Map<string, number>();
  const state = new Set<string>();
  const client: WorkerClient = {
    workerId,
    createSession(sessionId) {
      if (options.refuse) return Promise.reject(options.refuse);
      if (options.full && !sessions.has(sessionId)) {
        return Promise.reject(
          new CodegenError("LIMIT_EXCEEDED", `Cannot start session "${sessionId}": full`),
        );
      }
      sessions.add(sessionId);
      return Promise.resolve();
    },
    destroySession(sessionId) {
      sessions.delete(sessionId);
      state.delete(sessionId);
      return Promise.resolve();
    },
    execute: (sessionId, task) =>
      Promise.resolve(
        {
          ok: true,
          result: task.tool === "workspace.stats"
            ? {
              workspace_bytes: 0,
              file_count: files.get(sessionId) ?? 0,
              has_state: state.has(sessionId),
            }
            : {},
        } as TaskOutcome,
      ),
    limits: () => LIMITS,
    close: () => Promise.resolve(),
  };
  return { client, sessions, files, state };
}

/** The fleet's remote side over a real registry, with fake clients. */
export function remoteOver(
  registry: WorkerRegistry,
  clients: Map<string, WorkerClient>,
): RemoteWorkers {
  return {
    reserve: (sessionId) => registry.reserve(sessionId),
    reserveOn: (sessionId, workerId) => registry.reserveOn(sessionId, workerId),
    release: (sessionId) => registry.release(sessionId),
    clientFor: (workerId) =>
      Promise.resolve(registry.get(workerId) ? clients.get(workerId) : undefined),
    evict: (workerId, reason) => void registry.evict(workerId, reason),
    full: (workerId) => registry.markFull(workerId),
    leaving: (workerId) => registry.markDraining(workerId),
    workerOf: (sessionId) => registry.workerOf(sessionId),
  };
}

export function session(id: string): Session {
  return { id, principal: "p", connectionId: `c-${id}`, createdAt: 0, lastActivityAt: 0 };
}
