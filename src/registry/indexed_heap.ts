/**
 * A binary heap that knows where each item sits, so an item whose key changed can be moved
 * or removed in O(log n) instead of being found by a scan. `before(a, b)` is true when `a`
 * belongs nearer the top; the top is read in O(1).
 */
export class IndexedHeap<T> {
  readonly #items: T[] = [];
  readonly #positions = new Map<T, number>();
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  /** How many items the heap holds. */
  get size(): number {
    return this.#items.length;
  }

  /** Whether `item` is in the heap. O(1). */
  has(item: T): boolean {
    return this.#positions.has(item);
  }

  /** The top item without removing it. O(1). */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds `item`; adding one already present only re-sorts it. O(log n). */
  push(item: T): void {
    if (this.#positions.has(item)) return this.update(item);
    this.#items.push(item);
    this.#positions.set(item, this.#items.length - 1);
    this.#siftUp(this.#items.length - 1);
  }

  /** Removes and returns the top item. O(log n). */
  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item` wherever it is; false when absent. O(log n). */
  remove(item: T): boolean {
    const at = this.#positions.get(item);
    if (at === undefined) return false;
    const last = this.#items.pop() as T;
    this.#positions.delete(item);
    if (at < this.#items.length) {
      this.#items[at] = last;
      this.#positions.set(last, at);
      this.#restore(at);
    }
    return true;
  }

  /** Re-sorts `item` after its key changed; absent items are ignored. O(log n). */
  update(item: T): void {
    const at = this.#positions.get(item);
    if (at !== undefined) this.#restore(at);
  }

  /** The items in no particular order. */
  values(): IterableIterator<T> {
    return this.#items.values();
  }

  #restore(at: number): void {
    if (this.#siftUp(at) === at) this.#siftDown(at);
  }

  #siftUp(start: number): number {
    const items = this.#items;
    const item = items[start] as T;
    let at = start;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt] as T;
      if (!this.#before(item, parent)) break;
      this.#place(parent, at);
      at = parentAt;
    }
    this.#place(item, at);
    return at;
  }

  #siftDown(start: number): void {
    const items = this.#items;
    const item = items[start] as T;
    let at = start;
    // Each step moves one level down, so this ends within log2(n) steps.
    while (2 * at + 1 < items.length) {
      const left = 2 * at + 1;
      const right = left + 1;
      let child = left;
      if (right < items.length && this.#before(items[right] as T, items[left] as T)) {
        child = right;
      }
      if (!this.#before(items[child] as T, item)) break;
      this.#place(items[child] as T, at);
      at = child;
    }
    this.#place(item, at);
  }

  #place(item: T, at: number): void {
    this.#items[at] = item;
    this.#positions.set(item, at);
  }
}
