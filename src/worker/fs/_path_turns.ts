/**
 * Changes to one path take turns, whichever tool makes them: an append reads the old bytes
 * and renames the joined file over them, so two writes at once would each drop the other's
 * bytes; and a write and a delete at once each counted the file's size against the
 * workspace's limit from what they saw before the other ran, so a client repeating them
 * could take the count to zero with the files still on disk.
 * @module
 */
import { KeyedQueue } from "../../core/mod.ts";
import type { TaskContext } from "../context.ts";
import { throwIfAborted } from "./_common.ts";
import { lstatOrNull, type ResolvedPath } from "./resolve.ts";

const turns = new KeyedQueue();

/**
 * Runs `change` in the path's turn, with what is at the path now: `resolved.info`, or a
 * fresh look when another change of the path ran while this one waited.
 */
export function inPathTurn<T>(
  ctx: TaskContext,
  resolved: ResolvedPath,
  change: (info: Deno.FileInfo | null) => Promise<T>,
): Promise<T> {
  const waited = turns.busy(resolved.host);
  return turns.run(resolved.host, () => {
    throwIfAborted(ctx); // cancelled while it waited its turn
    return change(waited ? lstatOrNull(resolved.host) : resolved.info);
  });
}
