/** Id source, injected so tests get predictable ids. */
export interface IdGenerator {
  /** A new unique id made only of `[a-z0-9-]`, safe as a directory name. */
  next(): string;
}

/** Random UUIDv4 ids. */
export const RANDOM_IDS: IdGenerator = { next: () => crypto.randomUUID() };

/** Ids `prefix-1`, `prefix-2`, ...; for tests. */
export function sequentialIds(prefix = "id"): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

/** Whether `id` is safe to use as one path segment (what {@link IdGenerator} promises). */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && id !== "." && id !== "..";
}
