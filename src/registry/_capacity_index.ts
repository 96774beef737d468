import { IndexedHeap } from "./indexed_heap.ts";
import { freeSlots, moreFreeFirst, type WorkerRecord } from "./_worker_record.ts";

/**
 * The ready workers, ordered for placement (most free slots on top), with totals kept so
 * a refusal can say how full things are without a scan. Every operation is O(log n).
 */
export class CapacityIndex {
  readonly #heap = new IndexedHeap<WorkerRecord>(moreFreeFirst);
  #slots = 0;
  #reserved = 0;
  #unplaced = 0;

  /** How many ready workers there are. */
  get size(): number {
    return this.#heap.size;
  }

  /** Whether `record` takes new sessions. */
  has(record: WorkerRecord): boolean {
    return this.#heap.has(record);
  }

  /** Makes `record` eligible for new sessions. */
  add(record: WorkerRecord): void {
    if (this.#heap.has(record)) return;
    this.#heap.push(record);
    this.#slots += record.capabilities.maxSessions;
    this.#reserved += record.sessions.size;
    this.#unplaced += record.unplacedSessions;
  }

  /** Stops placing sessions on `record`. */
  remove(record: WorkerRecord): void {
    if (!this.#heap.remove(record)) return;
    this.#slots -= record.capabilities.maxSessions;
    this.#reserved -= record.sessions.size;
    this.#unplaced -= record.unplacedSessions;
  }

  /** The worker with the most free slots, or undefined when none has one. O(1). */
  best(): WorkerRecord | undefined {
    const top = this.#heap.peek();
    return top && freeSlots(top) > 0 ? top : undefined;
  }

  /** Records that `sessionId` now holds a slot on `record`. */
  assign(record: WorkerRecord, sessionId: string): void {
    if (record.sessions.has(sessionId)) return;
    record.sessions.add(sessionId);
    if (!this.#heap.has(record)) return;
    this.#reserved++;
    this.#heap.update(record);
  }

  /** Frees the slot `sessionId` held on `record`. */
  unassign(record: WorkerRecord, sessionId: string): void {
    if (!record.sessions.delete(sessionId) || !this.#heap.has(record)) return;
    this.#reserved--;
    this.#heap.update(record);
  }

  /**
   * Sets how many slots on `record` are held by sessions not reserved here, clamped so
   * the worker is never fuller than its maximum.
   */
  setUnplaced(record: WorkerRecord, count: number): void {
    const room = Math.max(0, record.capabilities.maxSessions - record.sessions.size);
    const next = Math.max(0, Math.min(count, room));
    const before = record.unplacedSessions;
    if (next === before) return;
    record.unplacedSessions = next;
    if (!this.#heap.has(record)) return;
    this.#unplaced += next - before;
    this.#heap.update(record);
  }

  /** The ready workers, in no particular order. */
  values(): IterableIterator<WorkerRecord> {
    return this.#heap.values();
  }

  /** Why no session can be placed, given how many workers are registered in all. */
  refusal(registered: number): string {
    if (registered === 0) return "No worker is registered";
    const ready = this.#heap.size;
    if (ready === 0) {
      return `No worker is ready: ${
        registered === 1 ? "the only one is" : `all ${registered} are`
      } draining`;
    }
    const used = this.#reserved + this.#unplaced;
    const others = this.#unplaced > 0
      ? ` (${this.#unplaced} by sessions this coordinator did not place)`
      : "";
    const draining = registered - ready;
    const leaving = draining === 0
      ? ""
      : `; ${draining} more ${draining === 1 ? "is" : "are"} draining`;
    return `Every ready worker is full: ${used} of ${this.#slots} session slots ` +
      `reserved on ${ready} worker${ready === 1 ? "" : "s"}${others}${leaving}`;
  }
}
