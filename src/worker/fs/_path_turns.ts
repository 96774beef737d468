/**
 * Changes to one path take turns, whichever tool makes them: an append reads the old bytes
 * and renames the joined file over them, so two writes at once would each drop the other's
 * bytes; and a write and a delete at once each counted the file's size against the
 * workspace's limit from what they saw before the other ran, so a client repeating them
 * could take the count to zero with the files still on disk.
 * @module
 */
import { KeyedQueue } from "../../core/mod.ts";

/** Keyed by host path. */
export const pathTurns = new KeyedQueue();
