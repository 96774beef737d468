/** Where per-workspace sandbox uids start by default (far above ordinary and subuid ranges). */
export const DEFAULT_UID_BASE = 1_500_000_000;
/** How many distinct uids workspaces are spread over by default. */
export const DEFAULT_UID_COUNT = 1_000_000;

/** Options for {@link sandboxUidFor}. */
export interface SandboxUidOptions {
  /** First uid of the range. Default {@link DEFAULT_UID_BASE}. */
  base?: number;
  /** Size of the range. Default {@link DEFAULT_UID_COUNT}. */
  count?: number;
}

/**
 * The unprivileged host uid a root worker runs a workspace's sandbox under. Stable per
 * workspace path, so RLIMIT_NPROC (counted per uid) bounds a session's sandboxes together
 * rather than every sandbox on the host.
 */
export function sandboxUidFor(workspace: string, options: SandboxUidOptions = {}): number {
  const base = options.base ?? DEFAULT_UID_BASE;
  const count = options.count ?? DEFAULT_UID_COUNT;
  // FNV-1a, 32 bits: cheap, stable, spreads similar paths
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(workspace)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return base + (hash % count);
}
