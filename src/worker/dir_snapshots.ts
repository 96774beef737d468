import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";
import { compareNames, sortNames } from "../policy/mod.ts";

/**
 * How long a snapshot may serve pages. Deno gives a directory's mtime in milliseconds and
 * its ctime in whole seconds, too coarse to be sure of every change, so an unchanged stamp
 * is trusted only this long.
 */
export const SNAPSHOT_MAX_AGE_MS = 5_000;

/**
 * A directory changed this recently when it was read may change again without its times
 * moving (a file system may keep times to the second, Deno reports ctime to the second), so
 * such a read is not kept.
 */
export const SNAPSHOT_QUIET_MS = 2_000;

/** What a directory looked like when it was read: it has not changed while all four agree. */
export interface DirStamp {
  dev: number;
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Clock time just before the directory was looked at. */
  seenAt: number;
}

/**
 * Collects the names a fresh read of a directory lists, to keep them for later pages. Its
 * names count against the store's bytes until kept or disposed: dispose it in any case.
 */
export interface NameCollector extends Disposable {
  add(name: string): void;
  /** Keeps the names added (all those after `floor`) under `key`, unless they grew too many
   * or the session ended meanwhile. */
  keep(key: string, floor: string | undefined): void;
}

/**
 * One session's sorted name lists, which a continuation page (one with `after`) may reuse
 * instead of reading a large directory again; the first page of a listing always reads.
 */
export interface ListingSnapshots {
  /** The stamp of directory `host` now, or null when it cannot be had (then nothing is kept). */
  stamp(host: string): DirStamp | null;
  /** The names kept under `key`, sorted, if its directory still bears `stamp`, the
   * snapshot is young, and it holds every name after `after`. */
  find(key: string, stamp: DirStamp, after: string): readonly string[] | undefined;
  /** A collector for a read of a directory stamped `stamp`; null when the directory
   * changed too recently for its stamp to be trusted. */
  collect(stamp: DirStamp): NameCollector | null;
}

/** Limits for {@link DirSnapshots}. */
export interface DirSnapshotsOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Snapshots one session may hold (default 4); the oldest goes first. */
  maxPerSession?: number;
  /** Estimated bytes all snapshots may hold (default 64 MiB; the oldest go first), and
   * again all the listings still collecting names (past it, one stops holding them). */
  maxBytes?: number;
}

interface Snapshot {
  session: string;
  key: string;
  stamp: DirStamp;
  floor: string | undefined;
  names: string[];
  sorted: boolean;
  bytes: number;
}

// A name's cost in the heap, roughly: two bytes a character at most, plus its string
// header and its slot in the array.
function costOf(name: string): number {
  return 2 * name.length + 40;
}

function idOf(snapshot: { session: string; key: string }): string {
  return `${snapshot.session}\0${snapshot.key}`;
}

function sameDirectory(a: DirStamp, b: DirStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs;
}

/**
 * The worker's name snapshots, per session, bounded in number and in bytes, dropped when
 * their session ends. A snapshot is only ever kept for a directory that had been quiet for
 * {@link SNAPSHOT_QUIET_MS} when read, so any later change moves its times, and serves for
 * {@link SNAPSHOT_MAX_AGE_MS}.
 */
export class DirSnapshots {
  #clock: Clock;
  #maxPerSession: number;
  #maxBytes: number;
  // insertion order is age order: the first entry is the oldest
  #all = new Map<string, Snapshot>();
  #bytes = 0;
  /** Bytes of names collectors hold that are not kept yet. */
  #collecting = 0;
  /** A token per session until forget(): a listing still reading when it came keeps nothing. */
  #live = new Map<string, object>();

  constructor(options: DirSnapshotsOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#maxPerSession = options.maxPerSession ?? 4;
    this.#maxBytes = options.maxBytes ?? 64 * 2 ** 20;
  }

  /** Estimated bytes held now, kept or being collected. */
  get bytes(): number {
    return this.#bytes + this.#collecting;
  }

  /** Snapshots held now. */
  get size(): number {
    return this.#all.size;
  }

  /** The snapshots of session `sessionId`. */
  session(sessionId: string): ListingSnapshots {
    let live = this.#live.get(sessionId);
    if (live === undefined) this.#live.set(sessionId, live = {});
    const token = live;
    return {
      stamp: (host) => this.#stamp(host),
      find: (key, stamp, after) => this.#find(sessionId, key, stamp, after),
      collect: (stamp) => this.#collect(sessionId, token, stamp),
    };
  }

  /** Drops an ended session's snapshots, and those its listings still reading would keep. */
  forget(sessionId: string): void {
    this.#live.delete(sessionId);
    for (const snapshot of this.#all.values()) {
      if (snapshot.session === sessionId) this.#drop(snapshot);
    }
  }

  #stamp(host: string): DirStamp | null {
    const seenAt = this.#clock.now();
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(host);
    } catch {
      return null;
    }
    const { dev, ino, mtime, ctime } = info;
    if (!info.isDirectory || ino === null || mtime === null || ctime === null) return null;
    return { dev, ino, mtimeMs: mtime.getTime(), ctimeMs: ctime.getTime(), seenAt };
  }

  #find(session: string, key: string, stamp: DirStamp, after: string) {
    const snapshot = this.#all.get(idOf({ session, key }));
    if (snapshot === undefined) return undefined;
    const age = this.#clock.now() - snapshot.stamp.seenAt;
    // a clock that went back makes the age unknowable: treat it as old
    if (age < 0 || age > SNAPSHOT_MAX_AGE_MS || !sameDirectory(snapshot.stamp, stamp)) {
      this.#drop(snapshot);
      return undefined;
    }
    if (snapshot.floor !== undefined && compareNames(after, snapshot.floor) < 0) return undefined;
    if (!snapshot.sorted) {
      // sorted when first reused, so a listing that stops after one page never pays for it
      sortNames(snapshot.names);
      snapshot.sorted = true;
    }
    return snapshot.names;
  }

  #collect(session: string, live: object, stamp: DirStamp): NameCollector | null {
    const quietSince = stamp.seenAt - SNAPSHOT_QUIET_MS;
    if (!(stamp.mtimeMs < quietSince && stamp.ctimeMs < quietSince)) return null;
    let names: string[] | null = [];
    let bytes = 0;
    const letGo = () => {
      if (names === null) return;
      names = null;
      this.#collecting -= bytes;
    };
    return {
      add: (name) => {
        if (names === null) return;
        const cost = costOf(name);
        // listings read at once share the cap: past it, stop holding names, not fill memory
        if (this.#collecting + cost > this.#maxBytes) return letGo();
        bytes += cost;
        this.#collecting += cost;
        names.push(name);
      },
      keep: (key, floor) => {
        const kept = names;
        letGo();
        if (kept === null || this.#live.get(session) !== live) return;
        this.#keep({ session, key, stamp, floor, names: kept, sorted: false, bytes });
      },
      [Symbol.dispose]: letGo,
    };
  }

  #keep(snapshot: Snapshot): void {
    const now = this.#clock.now();
    for (const s of this.#all.values()) {
      const age = now - s.stamp.seenAt;
      const replaced = s.session === snapshot.session && s.key === snapshot.key;
      if (replaced || age < 0 || age > SNAPSHOT_MAX_AGE_MS) this.#drop(s);
    }
    this.#all.set(idOf(snapshot), snapshot);
    this.#bytes += snapshot.bytes;
    // the oldest go first: the session's own while it holds too many, any while all hold
    // too much
    let ofSession = 0;
    for (const s of this.#all.values()) if (s.session === snapshot.session) ofSession++;
    for (const s of this.#all.values()) {
      const own = s.session === snapshot.session;
      if (
        s === snapshot ||
        !(this.#bytes > this.#maxBytes || (own && ofSession > this.#maxPerSession))
      ) {
        continue;
      }
      if (own) ofSession--;
      this.#drop(s);
    }
  }

  #drop(snapshot: Snapshot): void {
    const id = idOf(snapshot);
    if (this.#all.get(id) !== snapshot) return;
    this.#all.delete(id);
    this.#bytes -= snapshot.bytes;
  }
}
