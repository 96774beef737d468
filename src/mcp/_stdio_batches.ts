/**
 * JSON-RPC batches over stdio, for the one MCP version that has them: 2025-03-26 says a
 * server must take a batch, and 2025-06-18 removed them. The requests of a batch run as
 * any others do; their answers are held and written together as one array, as JSON-RPC
 * asks.
 * @module
 */
import { batchSizeFault, errorFrame, refuseMessage } from "./_frame_check.ts";
import type { JSONRPCMessage } from "./sdk.ts";

type RequestId = string | number;

/**
 * A batch's messages that go on, and the errors answering those refused (as a line of
 * their own would be); or why the whole batch is refused.
 */
export function splitBatch(
  items: unknown[],
): { accepted: JSONRPCMessage[]; errors: JSONRPCMessage[] } | string {
  const fault = batchSizeFault(items.length);
  if (fault !== undefined) return fault;
  const accepted: JSONRPCMessage[] = [];
  const errors: JSONRPCMessage[] = [];
  for (const item of items) {
    const refusals = refuseMessage(item);
    if (refusals.length === 0) accepted.push(item as JSONRPCMessage);
    for (const r of refusals) errors.push(errorFrame(r.id, r.message));
  }
  return { accepted, errors };
}

interface Batch {
  /** Answers still owed. */
  left: number;
  answers: JSONRPCMessage[];
}

/** The answers of the batches whose requests still run. */
export class BatchAnswers {
  // the open batches waiting for an answer to each id, oldest first (ids should not repeat
  // while in flight, but nothing stops a client)
  #waiting = new Map<RequestId, Batch[]>();

  /**
   * Opens a batch waiting for `ids`, with the answers already known (its refused
   * messages). Returns the answers to write now when it waits for none.
   */
  open(ids: readonly RequestId[], known: JSONRPCMessage[]): JSONRPCMessage[] | undefined {
    const batch: Batch = { left: ids.length, answers: [...known] };
    for (const id of ids) {
      const list = this.#waiting.get(id);
      if (list) list.push(batch);
      else this.#waiting.set(id, [batch]);
    }
    return batch.left === 0 ? finished(batch) : undefined;
  }

  /**
   * Takes the answer to request `id` when a batch waits for it: `held` is then true, and
   * `complete` the batch's answers once it has them all.
   */
  answer(id: RequestId, message: JSONRPCMessage): { held: boolean; complete?: JSONRPCMessage[] } {
    const batch = this.#take(id);
    if (batch === undefined) return { held: false };
    batch.answers.push(message);
    const complete = --batch.left === 0 ? finished(batch) : undefined;
    return complete ? { held: true, complete } : { held: true };
  }

  /** Request `id` was cancelled: it gets no answer. Returns the answers then complete. */
  drop(id: RequestId): JSONRPCMessage[] | undefined {
    const batch = this.#take(id);
    if (batch === undefined) return undefined;
    return --batch.left === 0 ? finished(batch) : undefined;
  }

  #take(id: RequestId): Batch | undefined {
    const list = this.#waiting.get(id);
    const batch = list?.shift();
    if (list?.length === 0) this.#waiting.delete(id);
    return batch;
  }
}

// A batch of notifications only, or whose requests were all cancelled, is answered with
// nothing at all (JSON-RPC), not an empty array.
function finished(batch: Batch): JSONRPCMessage[] | undefined {
  return batch.answers.length > 0 ? batch.answers : undefined;
}
