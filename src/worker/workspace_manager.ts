import { CodegenError, getLogger, isSafeId } from "../core/mod.ts";

const log = getLogger("worker");
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
 *
 * A process that dies without ending its sessions (killed, crashed) would leave their
 * directories behind for ever, and the root may be shared with other live processes (two
 * desktop clients on the default root). So each manager holds an exclusive lock on
 * `<root>/owners/<instance>.lock` while it lives, and writes its instance into each
 * session's `state/<id>/owner`; on first use it removes the sessions whose owner's lock
 * nobody holds any more (the kernel drops a dead process's locks).
 */
export class WorkspaceManager {
  #root: string;
  #realRoot: Promise<string> | undefined;
  #known = new Map<string, SessionDirs & { checkedAt: number }>();
  #instance = crypto.randomUUID();
  #lock: Deno.FsFile | undefined;

  constructor(root: string) {
    this.#root = root;
  }

  #rootReal(): Promise<string> {
    // a failed opening is tried again by the next call, not remembered
    return this.#realRoot ??= this.#open().catch((err) => {
      this.#realRoot = undefined;
      throw err;
    });
  }

  async #open(): Promise<string> {
    for (const dir of ["sessions", "state", "owners"]) {
      await Deno.mkdir(`${this.#root}/${dir}`, { recursive: true, mode: 0o700 });
    }
    const root = await Deno.realPath(this.#root);
    // locked before it gets its name, so a lock file seen by name is never free while its
    // owner lives
    const temp = `${root}/owners/.${this.#instance}.tmp`;
    const lock = Deno.openSync(temp, { read: true, write: true, createNew: true, mode: 0o600 });
    try {
      lock.lockSync(true);
      Deno.renameSync(temp, lockPath(root, this.#instance));
    } catch (err) {
      lock.close();
      Deno.removeSync(temp);
      throw err;
    }
    this.#lock = lock;
    await this.#sweep(root).catch((err) =>
      log.warn("Could not remove workspaces left by ended processes: {error}", {
        error: String(err),
      })
    );
    return root;
  }

  // Removes the sessions, and the lock files, of owners that no longer hold their lock.
  async #sweep(root: string): Promise<void> {
    const verdicts = new Map<string, boolean>();
    const claimed: Deno.FsFile[] = [];
    const gone = (owner: string): boolean => {
      let verdict = verdicts.get(owner);
      if (verdict === undefined) {
        verdict = owner !== this.#instance && claimIfGone(root, owner, claimed);
        verdicts.set(owner, verdict);
      }
      return verdict;
    };
    let removed = 0;
    try {
      for await (const entry of Deno.readDir(`${root}/state`)) {
        if (!entry.isDirectory || !isSafeId(entry.name)) continue;
        const owner = await readOwner(`${root}/state/${entry.name}/owner`);
        if (owner === undefined || !gone(owner)) continue;
        await removeDirs(root, entry.name);
        removed++;
      }
      for await (const entry of Deno.readDir(`${root}/owners`)) {
        const owner = entry.name.endsWith(".lock") ? entry.name.slice(0, -5) : "";
        if (isSafeId(owner)) gone(owner);
      }
    } finally {
      for (const [owner, verdict] of verdicts) {
        if (verdict) await Deno.remove(lockPath(root, owner)).catch(() => {});
      }
      for (const file of claimed) file.close();
    }
    if (removed > 0) {
      log.info("Removed {count} session workspace(s) left by processes that ended", {
        count: removed,
      });
    }
  }

  /** Releases this manager's lock (its sessions then count as left behind). */
  async close(): Promise<void> {
    // an opening still under way must finish first, or its lock would outlive the close
    const root = await this.#realRoot?.catch(() => undefined);
    const lock = this.#lock;
    if (!lock || root === undefined) return;
    this.#lock = undefined;
    await Deno.remove(lockPath(root, this.#instance)).catch(() => {});
    lock.close();
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
    await Deno.writeTextFile(`${dirs.stateDir}/owner`, this.#instance, { mode: 0o600 });
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
    await removeDirs(root, sessionId);
  }
}

function lockPath(root: string, instance: string): string {
  return `${root}/owners/${instance}.lock`;
}

async function removeDirs(root: string, sessionId: string): Promise<void> {
  for (const dir of [`${root}/sessions/${sessionId}`, `${root}/state/${sessionId}`]) {
    await Deno.remove(dir, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}

async function readOwner(path: string): Promise<string | undefined> {
  try {
    const owner = (await Deno.readTextFile(path)).trim();
    return isSafeId(owner) ? owner : undefined;
  } catch {
    return undefined; // none (a session from before owners were recorded): left alone
  }
}

// Whether the owner is gone: its lock file is missing, or free. A free lock is kept
// (added to `claimed`) until the sweep ends, so a second sweeper sees it held and skips.
function claimIfGone(root: string, owner: string, claimed: Deno.FsFile[]): boolean {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(lockPath(root, owner), { read: true, write: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    throw err;
  }
  if (file.tryLockSync(true)) {
    claimed.push(file);
    return true;
  }
  file.close();
  return false;
}
