import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

/** Sessions in a Map: the default for a single coordinator. Records are copied in and out. */
export class MemorySessionStore implements SessionStore {
  #sessions = new Map<string, Session>();

  get(id: string): Promise<Session | undefined> {
    const s = this.#sessions.get(id);
    return Promise.resolve(s ? { ...s } : undefined);
  }

  put(session: Session): Promise<void> {
    this.#sessions.set(session.id, { ...session });
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.#sessions.delete(id);
    return Promise.resolve();
  }

  touch(id: string, at: number): Promise<void> {
    const s = this.#sessions.get(id);
    if (s && at > s.lastActivityAt) s.lastActivityAt = at;
    return Promise.resolve();
  }

  idleSince(cutoff: number): Promise<Session[]> {
    const idle: Session[] = [];
    for (const s of this.#sessions.values()) if (s.lastActivityAt <= cutoff) idle.push({ ...s });
    return Promise.resolve(idle);
  }

  count(): Promise<number> {
    return Promise.resolve(this.#sessions.size);
  }

  close(): Promise<void> {
    this.#sessions.clear();
    return Promise.resolve();
  }
}
