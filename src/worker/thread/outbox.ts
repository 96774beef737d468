/**
 * Holds a running task's events for a moment so they cross to the parent together with
 * later events or the task's reply: each message wakes the parent's thread, which costs
 * more than all the work of a small task. Anything that is not an event goes at once,
 * after what is held, so order is kept.
 * @module
 */
import type { WorkerThreadMessage } from "./protocol.ts";

/** Options for an {@link Outbox}. */
export interface OutboxOptions {
  /** Longest an event waits. */
  delayMs: number;
  /** Held events that are sent at once rather than wait longer. */
  maxHeld: number;
}

/** Sends thread messages through `post`: one message alone, several as an array. */
export class Outbox {
  #post: (message: WorkerThreadMessage | WorkerThreadMessage[]) => void;
  #options: OutboxOptions;
  #held: WorkerThreadMessage[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    post: (message: WorkerThreadMessage | WorkerThreadMessage[]) => void,
    options: OutboxOptions,
  ) {
    this.#post = post;
    this.#options = options;
  }

  send(message: WorkerThreadMessage): void {
    this.#held.push(message);
    if (message.type !== "event" || this.#held.length >= this.#options.maxHeld) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#options.delayMs);
  }

  /** Sends whatever is held now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const messages = this.#held;
    this.#held = [];
    if (messages.length === 1) this.#post(messages[0]!);
    else if (messages.length > 1) this.#post(messages);
  }
}
