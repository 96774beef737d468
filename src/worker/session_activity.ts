/**
 * What a task can learn about other tasks in its session: whether any started since a
 * task it remembers, and whether another runs now. Lets run.python reuse the workspace
 * snapshot its previous run took at the end as the next run's "before".
 */
export interface TaskActivity {
  /** This task's place among the tasks its session started (1, 2, ...). */
  readonly mark: number;
  /** Whether the task marked `mark` was the last one the session started before this one
   * and no other task of the session runs now. */
  nextAfter(mark: number): boolean;
  /** Whether no other task of the session runs now. */
  alone(): boolean;
}

interface Counts {
  started: number;
  running: number;
}

/** Counts, per session, the tasks started and the tasks running. */
export class SessionActivity {
  #sessions = new Map<string, Counts>();

  /** Records a task starting in `sessionId`; call `end` when it is done. */
  begin(sessionId: string): TaskActivity & { end(): void } {
    let counts = this.#sessions.get(sessionId);
    if (!counts) {
      counts = { started: 0, running: 0 };
      this.#sessions.set(sessionId, counts);
    }
    const c = counts;
    const mark = ++c.started;
    c.running++;
    let ended = false;
    return {
      mark,
      nextAfter: (earlier) => earlier + 1 === mark && c.running === 1,
      alone: () => c.running === 1,
      end: () => {
        if (!ended) c.running--;
        ended = true;
      },
    };
  }

  /** Forgets a destroyed session. */
  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }
}
