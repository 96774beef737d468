import {
  type Clock,
  CodegenError,
  type IdGenerator,
  RANDOM_IDS,
  SYSTEM_CLOCK,
} from "../core/mod.ts";
import type { CallToolResult } from "./sdk.ts";

/** The states of a background task. */
export type TaskStatus = "running" | "completed" | "failed" | "cancelled";

/** A snapshot of one background task. */
export interface TaskInfo {
  task_id: string;
  tool: string;
  status: TaskStatus;
  started_at: number;
  finished_at?: number;
  /** The tool's result once finished. */
  result?: CallToolResult;
}

interface Entry extends TaskInfo {
  owner: string;
  controller: AbortController;
  done: Promise<void>;
  /** Its run has returned (a cancelled one: its process has stopped). */
  settled: boolean;
}

/** Options for {@link AsyncTasks}. */
export interface AsyncTasksOptions {
  /** Most running tasks per session; more are refused with LIMIT_EXCEEDED. */
  maxPerSession: number;
  /**
   * Most finished (or cancelled) tasks kept per session for task.result; past it the
   * oldest finished are dropped. Default `maxPerSession`.
   */
  maxFinishedPerSession?: number;
  /** How long a finished task's result is kept. */
  resultTtlMs: number;
  clock?: Clock;
  ids?: IdGenerator;
}

/**
 * Background tool calls (`async: true`): started at once, polled with task.status and
 * task.result, cancelled with task.cancel. Bounded per session: running tasks in count,
 * finished ones in count and in time.
 */
export class AsyncTasks {
  // in insertion (start) order
  #tasks = new Map<string, Entry>();
  #options: AsyncTasksOptions;
  #maxFinished: number;
  #clock: Clock;
  #ids: IdGenerator;

  constructor(options: AsyncTasksOptions) {
    this.#options = options;
    this.#maxFinished = options.maxFinishedPerSession ?? options.maxPerSession;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#ids = options.ids ?? RANDOM_IDS;
  }

  /** Starts `run` in the background for `owner` (a connection) and returns its id. */
  start(
    owner: string,
    tool: string,
    run: (signal: AbortSignal) => Promise<CallToolResult>,
  ): string {
    this.sweep();
    let running = 0;
    // a cancelled task counts until its process has stopped
    for (const t of this.#tasks.values()) {
      if (t.owner === owner && !t.settled) running++;
    }
    if (running >= this.#options.maxPerSession) {
      throw new CodegenError(
        "LIMIT_EXCEEDED",
        `Too many background tasks running in this session (${running}); ` +
          "wait for one to finish or cancel one first",
      );
    }
    const id = this.#ids.next();
    const controller = new AbortController();
    const entry: Entry = {
      task_id: id,
      tool,
      owner,
      status: "running",
      started_at: this.#clock.now(),
      controller,
      done: Promise.resolve(),
      settled: false,
    };
    entry.done = run(controller.signal).then(
      (result) => this.#finish(entry, result.isError ? "failed" : "completed", result),
      (err) =>
        this.#finish(entry, "failed", {
          content: [{ type: "text", text: `INTERNAL: ${err}` }],
          isError: true,
        }),
    );
    this.#tasks.set(id, entry);
    return id;
  }

  #finish(entry: Entry, status: TaskStatus, result: CallToolResult): void {
    entry.settled = true;
    if (entry.status !== "cancelled") {
      entry.status = status;
      entry.result = result;
      entry.finished_at = this.#clock.now();
    }
    this.#dropOldestFinished(entry.owner);
  }

  /** Keeps at most `maxFinishedPerSession` of `owner`'s finished tasks, the newest. */
  #dropOldestFinished(owner: string): void {
    // never one still stopping: close() must be able to wait for it
    const finished = [...this.#tasks.values()].filter((t) =>
      t.owner === owner && t.settled && t.finished_at !== undefined
    );
    if (finished.length <= this.#maxFinished) return;
    finished.sort((a, b) => a.finished_at! - b.finished_at!);
    for (const t of finished.slice(0, finished.length - this.#maxFinished)) {
      this.#tasks.delete(t.task_id);
    }
  }

  /** The task as `owner` may see it; NOT_FOUND for unknown ids or other owners' tasks. */
  get(owner: string, id: string): TaskInfo {
    const t = this.#tasks.get(id);
    if (!t || t.owner !== owner) {
      throw new CodegenError("NOT_FOUND", `No task "${id}" in this session`);
    }
    return {
      task_id: t.task_id,
      tool: t.tool,
      status: t.status,
      started_at: t.started_at,
      ...(t.finished_at !== undefined ? { finished_at: t.finished_at } : {}),
      ...(t.result ? { result: t.result } : {}),
    };
  }

  /** Cancels a running task (its process is killed); finished tasks are left as they are. */
  cancel(owner: string, id: string): TaskInfo {
    const t = this.#tasks.get(id);
    if (!t || t.owner !== owner) {
      throw new CodegenError("NOT_FOUND", `No task "${id}" in this session`);
    }
    if (t.status === "running") {
      t.status = "cancelled";
      t.finished_at = this.#clock.now();
      t.result = {
        content: [{ type: "text", text: "CANCELLED: the task was cancelled" }],
        isError: true,
      };
      t.controller.abort(new CodegenError("CANCELLED", "Task cancelled"));
    }
    return this.get(owner, id);
  }

  /** Cancels and forgets every task of a connection that ended. */
  closeOwner(owner: string): void {
    for (const t of [...this.#tasks.values()]) {
      if (t.owner !== owner) continue;
      t.controller.abort(new CodegenError("CANCELLED", "Session ended"));
      this.#tasks.delete(t.task_id);
    }
  }

  /** Drops finished tasks older than the result TTL. */
  sweep(): void {
    const cutoff = this.#clock.now() - this.#options.resultTtlMs;
    for (const t of [...this.#tasks.values()]) {
      if (t.finished_at !== undefined && t.finished_at <= cutoff) this.#tasks.delete(t.task_id);
    }
  }

  /** Cancels everything and waits for the tasks to settle. */
  async close(): Promise<void> {
    const all = [...this.#tasks.values()];
    for (const t of all) t.controller.abort(new CodegenError("CANCELLED", "Server shutting down"));
    await Promise.allSettled(all.map((t) => t.done));
    this.#tasks.clear();
  }
}
