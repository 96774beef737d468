import type { CallAnswer } from "./results.ts";

/**
 * About how much memory a kept answer holds: the length of its strings (its output is what
 * is large), plus a little for every other value. Text built later (a function) is not
 * kept, so it does not count.
 */
export function answerSize(answer: CallAnswer): number {
  const notes = answer.notes?.length ?? 0;
  if ("error" in answer) return notes + answer.error.message.length;
  const { reply } = answer;
  const text = typeof reply.text === "string" ? reply.text.length : 0;
  return notes + text + valueSize(reply.structured) + valueSize(reply.content ?? []);
}

// Plain data from a worker: no cycles, and nested only a few levels deep.
function valueSize(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (value === null || typeof value !== "object") return 8;
  let size = 0;
  if (Array.isArray(value)) {
    for (const item of value) size += 8 + valueSize(item);
  } else {
    for (const [key, item] of Object.entries(value)) size += key.length + valueSize(item);
  }
  return size;
}
