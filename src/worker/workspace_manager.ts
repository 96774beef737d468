import { CodegenError } from "../core/mod.ts";

const RECHECK_MS = 1_000;

/** Host locations of one session's files. */
export interface SessionDirs {
  /** Real path of the session workspace (what the user's files live in). */
  workspace: string;
  /** Real path of the worker-private state directory (venv, kernel files); not user-visible. */
  stateDir: string;
}

/**
 * Creates and removes per-session directories under the workspace root:
 * `<root>/sessions/<id>` for user files and `<root>/state/<id>` for worker state.
 */
export class WorkspaceManager {
  #root: string;
  #realRoot: string | undefined;
  #known = new Map<string, SessionDirs & { checkedAt: number }>();

  constructor(root: string) {
    this.#root = root;
  }

  async #rootReal(): Promise<string> {
    if (this.#realRoot) return this.#realRoot;
    await Deno.mkdir(`${this.#root}/sessions`, { recursive: true, mode: 0o700 });
    await Deno.mkdir(`${this.#root}/state`, { recursive: true, mode: 0o700 });
    this.#realRoot = await Deno.realPath(this.#root);
    return this.#realRoot;
  }

  /** Returns the session's directories, creating them on first use. */
  async ensure(sessionId: string): Promise<SessionDirs> {
    const known = this.#known.get(sessionId);
    if (known) {
      // re-check now and then (an operator may clean the root), not on every call: this
      // is on the path of every tool call
      const now = performance.now();
      if (now - known.checkedAt < RECHECK_MS) return known;
      try {
        await Deno.lstat(known.workspace);
        known.checkedAt = now;
        return known;
      } catch {
        this.#known.delete(sessionId);
      }
    }
    const root = await this.#rootReal();
    const dirs = {
      workspace: `${root}/sessions/${sessionId}`,
      stateDir: `${root}/state/${sessionId}`,
    };
    await Deno.mkdir(dirs.workspace, { recursive: true, mode: 0o755 });
    await Deno.mkdir(dirs.stateDir, { recursive: true, mode: 0o700 });
    const info = await Deno.lstat(dirs.workspace);
    if (!info.isDirectory) {
      throw new CodegenError("PATH_VIOLATION", `Workspace for "${sessionId}" is not a directory`);
    }
    this.#known.set(sessionId, { ...dirs, checkedAt: performance.now() });
    return dirs;
  }

  /** Removes the session's directories (idempotent). */
  async remove(sessionId: string): Promise<void> {
    const root = await this.#rootReal();
    this.#known.delete(sessionId);
    for (const dir of [`${root}/sessions/${sessionId}`, `${root}/state/${sessionId}`]) {
      await Deno.remove(dir, { recursive: true }).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
  }
}
