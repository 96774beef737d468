/**
 * Messages between a {@link ThreadWorkerClient} (src/router) and the embedded worker's
 * Deno Worker: plain JSON, correlated by `id`. `init` goes by `postMessage` and carries the
 * shared memory of two rings; everything after it crosses those rings (see link.ts). Events
 * of a running `execute` carry that request's `id`; `cancel` names the `id` of the `execute`
 * to abort. The parent sends `init` first, as {@link INIT_REQUEST_ID}; its reply carries the
 * worker's limits.
 * @module
 */
import type { Level } from "../../core/mod.ts";
import type {
  SessionLimits,
  TaskError,
  TaskEvent,
  TaskOutcome,
  TaskRequest,
} from "../../rpc/mod.ts";
import type { WorkerOptions } from "../context.ts";
import type { ProbeOp, ProbeResult } from "../../core/mod.ts";

/** The id of the `init` request {@link spawnWorkerThread} posts before anything else. */
export const INIT_REQUEST_ID = 0;

/** The shared memory of the two rings every message after `init` crosses. */
export interface ThreadRings {
  toThread: SharedArrayBuffer;
  fromThread: SharedArrayBuffer;
}

/** What the parent asks the worker thread. */
export type WorkerThreadRequest =
  | { type: "init"; id: number; options: WorkerOptions; rings: ThreadRings; logLevel?: Level }
  | { type: "create"; id: number; sessionId: string }
  | { type: "destroy"; id: number; sessionId: string }
  | {
    type: "execute";
    id: number;
    sessionId: string;
    task: TaskRequest;
    /** Whether to stream events back (the caller passed `onEvent`). */
    events: boolean;
    /** The caller's signal was already aborted: answer CANCELLED without running. */
    aborted?: boolean;
    traceparent?: string;
  }
  /** Aborts the running `execute` whose id is `target`; has no reply. */
  | { type: "cancel"; target: number; reason?: string }
  | { type: "close"; id: number }
  | { type: "probe"; id: number; op: ProbeOp };

/** What each request resolves with. */
export interface WorkerThreadValues {
  init: SessionLimits;
  create: undefined;
  destroy: undefined;
  execute: TaskOutcome;
  close: undefined;
  probe: ProbeResult;
}

/** What the worker thread sends back. */
export type WorkerThreadMessage =
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: TaskError }
  | { type: "event"; id: number; event: TaskEvent };
