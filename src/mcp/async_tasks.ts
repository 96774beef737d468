import {
  type Clock,
  CodegenError,
  formatDuration,
  type IdGenerator,
  RANDOM_IDS,
  SYSTEM_CLOCK,
} from "../core/mod.ts";
import { answerFailed, type CallAnswer } from "./results.ts";
import { answerSize } from "./_answer_size.ts";

/** The states of a background task. */
export type TaskStatus = "running" | "completed" | "failed" | "cancelled";

/** A snapshot of one background task. */
export interface TaskInfo {
  task_id: string;
  tool: string;
  status: TaskStatus;
  started_at: number;
  finished_at?: number;
  /** The tool's answer once finished; its text is built when it is sent. */
  result?: CallAnswer;
}

interface Entry extends TaskInfo {
  owner: string;
  controller: AbortController;
  done: Promise<void>;
  /** Its run has returned (a cancelled one: its process has stopped). */
  settled: boolean;
  /** Size of its kept answer, counted against the byte bounds once settled. */
  bytes: number;
}

/** A finished task whose result was dropped: task.status and task.result say why. */
interface Dropped {
  owner: string;
  tool: string;
  reason: string;
  at: number;
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
  /**
   * Most bytes of finished results kept per session (about the length of their text);
   * past it the session's oldest finished results are dropped. Default: no bound.
   */
  maxResultBytesPerSession?: number;
  /** The same bound over every session of the process. Default: no bound. */
  maxResultBytesTotal?: number;
  /** How long a finished task's result is kept. */
  resultTtlMs: number;
  clock?: Clock;
  ids?: IdGenerator;
}

/** How many dropped tasks are remembered (each for one result TTL) to say why they are gone. */
const DROPPED_KEPT = 10_000;

/**
 * Background tool calls (`async: true`): started at once, polled with task.status and
 * task.result, cancelled with task.cancel. Bounded per session: running tasks in count,
 * finished ones in count, in bytes and in time; and finished ones in bytes per process.
 * A result dropped to keep a bound is remembered for a while, so asking for it says so.
 */
export class AsyncTasks {
  // in insertion (start) order
  #tasks = new Map<string, Entry>();
  // settled tasks with a kept result, oldest first, overall and per owner
  #finished = new Map<string, Entry>();
  #byOwner = new Map<string, { finished: Map<string, Entry>; bytes: number }>();
  #totalBytes = 0;
  // in the order they were dropped
  #dropped = new Map<string, Dropped>();
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
    run: (signal: AbortSignal, taskId: string) => Promise<CallAnswer>,
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
      bytes: 0,
    };
    entry.done = run(controller.signal, id).then(
      (answer) => this.#finish(entry, answerFailed(answer) ? "failed" : "completed", answer),
      (err) => this.#finish(entry, "failed", { error: CodegenError.from(err) }),
    );
    this.#tasks.set(id, entry);
    return id;
  }

  #finish(entry: Entry, status: TaskStatus, answer: CallAnswer): void {
    entry.settled = true;
    if (entry.status !== "cancelled") {
      entry.status = status;
      entry.result = answer;
      entry.finished_at = this.#clock.now();
    }
    // closed (its owner ended) while it stopped: nothing to keep
    if (this.#tasks.get(entry.task_id) !== entry) return;
    entry.bytes = entry.result ? answerSize(entry.result) : 0;
    this.#keep(entry);
  }

  // Keeps a settled task's result, then drops the oldest ones past each bound. Never one
  // still stopping: close() must be able to wait for it.
  #keep(entry: Entry): void {
    const owner = this.#ownerOf(entry.owner);
    owner.finished.set(entry.task_id, entry);
    owner.bytes += entry.bytes;
    this.#finished.set(entry.task_id, entry);
    this.#totalBytes += entry.bytes;
    const { maxResultBytesPerSession: perSession, maxResultBytesTotal: total } = this.#options;
    while (owner.finished.size > this.#maxFinished) {
      this.#drop(
        first(owner.finished),
        `this session keeps the results of its ${this.#maxFinished} most recently finished tasks`,
      );
    }
    while (perSession !== undefined && owner.bytes > perSession) {
      this.#drop(
        first(owner.finished),
        `this session keeps at most ${perSession} bytes of finished results ` +
          "(MAX_TASK_RESULT_BYTES); the oldest go first",
      );
    }
    while (total !== undefined && this.#totalBytes > total) {
      this.#drop(
        first(this.#finished),
        `the server keeps at most ${total} bytes of finished results over all sessions ` +
          "(MAX_TASK_RESULT_BYTES_TOTAL); the oldest go first",
      );
    }
  }

  #ownerOf(owner: string): { finished: Map<string, Entry>; bytes: number } {
    let state = this.#byOwner.get(owner);
    if (!state) this.#byOwner.set(owner, state = { finished: new Map(), bytes: 0 });
    return state;
  }

  // Forgets a task (and its result), remembering why when it had finished.
  #drop(entry: Entry, reason: string | undefined): void {
    this.#tasks.delete(entry.task_id);
    if (this.#finished.delete(entry.task_id)) {
      this.#totalBytes -= entry.bytes;
      const owner = this.#byOwner.get(entry.owner)!;
      owner.finished.delete(entry.task_id);
      owner.bytes -= entry.bytes;
      if (owner.finished.size === 0) this.#byOwner.delete(entry.owner);
    }
    if (reason === undefined) return;
    const { owner, tool } = entry;
    this.#dropped.set(entry.task_id, { owner, tool, reason, at: this.#clock.now() });
    if (this.#dropped.size > DROPPED_KEPT) this.#dropped.delete(this.#dropped.keys().next().value!);
  }

  /**
   * The task as `owner` may see it. NOT_FOUND for unknown ids and other owners' tasks, and,
   * saying why, for a finished task whose result was dropped (too old, or past a bound).
   */
  get(owner: string, id: string): TaskInfo {
    const t = this.#owned(owner, id);
    return {
      task_id: t.task_id,
      tool: t.tool,
      status: t.status,
      started_at: t.started_at,
      ...(t.finished_at !== undefined ? { finished_at: t.finished_at } : {}),
      ...(t.result ? { result: t.result } : {}),
    };
  }

  #owned(owner: string, id: string): Entry {
    const t = this.#tasks.get(id);
    if (t && t.owner === owner) {
      if (!this.#expired(t)) return t;
      this.#drop(t, this.#ttlReason());
    }
    const dropped = this.#dropped.get(id);
    if (dropped && dropped.owner === owner) {
      throw new CodegenError(
        "NOT_FOUND",
        `Task "${id}" (${dropped.tool}) finished, but its result was dropped: ${dropped.reason}`,
      );
    }
    throw new CodegenError("NOT_FOUND", `No task "${id}" in this session`);
  }

  #expired(t: Entry): boolean {
    return t.settled && t.finished_at !== undefined &&
      t.finished_at <= this.#clock.now() - this.#options.resultTtlMs;
  }

  #ttlReason(): string {
    return `results are kept for ${formatDuration(this.#options.resultTtlMs)} after the task ends`;
  }

  /** Cancels a running task (its process is killed); finished tasks are left as they are. */
  cancel(owner: string, id: string): TaskInfo {
    const t = this.#owned(owner, id);
    if (t.status === "running") {
      t.status = "cancelled";
      t.finished_at = this.#clock.now();
      t.result = { error: new CodegenError("CANCELLED", "the task was cancelled") };
      t.controller.abort(new CodegenError("CANCELLED", "Task cancelled"));
    }
    return this.get(owner, id);
  }

  /** Cancels and forgets every task of a connection that ended. */
  closeOwner(owner: string): void {
    for (const t of [...this.#tasks.values()]) {
      if (t.owner !== owner) continue;
      t.controller.abort(new CodegenError("CANCELLED", "Session ended"));
      this.#drop(t, undefined);
    }
    for (const [id, d] of [...this.#dropped]) if (d.owner === owner) this.#dropped.delete(id);
  }

  /** Drops finished results older than the result TTL, and what is remembered of them. */
  sweep(): void {
    for (const t of [...this.#finished.values()]) {
      if (this.#expired(t)) this.#drop(t, this.#ttlReason());
    }
    const cutoff = this.#clock.now() - this.#options.resultTtlMs;
    for (const [id, d] of this.#dropped) {
      if (d.at > cutoff) break; // in the order they were dropped
      this.#dropped.delete(id);
    }
  }

  /** Bytes of finished results kept now, over all sessions. */
  get keptBytes(): number {
    return this.#totalBytes;
  }

  /** Cancels everything and waits for the tasks to settle. */
  async close(): Promise<void> {
    const all = [...this.#tasks.values()];
    for (const t of all) t.controller.abort(new CodegenError("CANCELLED", "Server shutting down"));
    await Promise.allSettled(all.map((t) => t.done));
    this.#tasks.clear();
    this.#finished.clear();
    this.#byOwner.clear();
    this.#dropped.clear();
    this.#totalBytes = 0;
  }
}

// The oldest (first inserted) value of a non-empty map.
function first<V>(map: Map<string, V>): V {
  return map.values().next().value as V;
}
