/** Walks a workspace and adds up its regular files' sizes (see fs/stats.ts). */
export type MeasureWorkspace = (workspace: string) => Promise<number>;

/**
 * Bytes of regular files one session's workspace holds, as far as the worker knows, for
 * MAX_WORKSPACE_BYTES. Approximate by design: a change made while the total is unknown or
 * being measured may be missed until the next full walk.
 */
export interface SessionUsage {
  /** MAX_WORKSPACE_BYTES. */
  readonly limit: number;
  /** The total: known, or measured by one walk that concurrent callers share. */
  bytes(): Promise<number>;
  /** The total if known now, without measuring. */
  known(): number | undefined;
  /** A change of known size (a file written or deleted); ignored while the total is unknown. */
  add(delta: number): void;
  /** A walk of the whole workspace (a run's snapshot) found this total. */
  set(bytes: number): void;
  /** The workspace changed by an unknown amount: the next {@link bytes} measures again. */
  invalidate(): void;
}

interface Entry {
  bytes: number | undefined;
  measuring: Promise<number> | undefined;
  /** Bumped by set and invalidate, so a walk that started before them is not kept. */
  generation: number;
}

/**
 * The worker's record of each session's workspace size: measured by one walk when first
 * needed, then kept up to date by the file tools' writes and deletes and by the walk each
 * run.python takes anyway, so no call pays for a walk of its own. A walk that stopped
 * early (a huge workspace) gives a lower bound, which is kept as the total.
 */
export class WorkspaceUsage {
  #limit: number;
  #measure: MeasureWorkspace;
  #sessions = new Map<string, Entry>();

  constructor(limit: number, measure: MeasureWorkspace) {
    this.#limit = limit;
    this.#measure = measure;
  }

  /** The usage of one session's workspace (at its real host path). */
  session(sessionId: string, workspace: string): SessionUsage {
    let entry = this.#sessions.get(sessionId);
    if (!entry) {
      entry = { bytes: undefined, measuring: undefined, generation: 0 };
      this.#sessions.set(sessionId, entry);
    }
    return sessionUsage(entry, { limit: this.#limit, measure: () => this.#measure(workspace) });
  }

  /** Drops what is known of a session (it ended). */
  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }
}

function sessionUsage(
  entry: Entry,
  options: { limit: number; measure: () => Promise<number> },
): SessionUsage {
  return {
    limit: options.limit,
    bytes() {
      if (entry.bytes !== undefined) return Promise.resolve(entry.bytes);
      if (entry.measuring) return entry.measuring;
      const generation = entry.generation;
      const measuring = options.measure().then((bytes) => {
        if (entry.generation === generation) entry.bytes = bytes;
        return bytes;
      }).finally(() => {
        if (entry.measuring === measuring) entry.measuring = undefined;
      });
      entry.measuring = measuring;
      return measuring;
    },
    known: () => entry.bytes,
    add(delta) {
      if (entry.bytes !== undefined) entry.bytes = Math.max(0, entry.bytes + delta);
    },
    set(bytes) {
      entry.bytes = bytes;
      entry.measuring = undefined;
      entry.generation++;
    },
    invalidate() {
      entry.bytes = undefined;
      entry.measuring = undefined;
      entry.generation++;
    },
  };
}
