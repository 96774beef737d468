/**
 * Keeps the `capacity` smallest of the items offered, by `compare`, in memory that never
 * grows past `capacity` items however many are offered: a max-heap whose root is the
 * largest item kept, so a larger item is refused at once and a smaller one replaces the
 * root in O(log capacity). fs.list uses it to pick a page of names from a directory of any
 * size without holding the whole directory.
 */
export class SmallestN<T> {
  readonly #heap: T[] = [];
  readonly #capacity: number;
  readonly #compare: (a: T, b: T) => number;

  constructor(capacity: number, compare: (a: T, b: T) => number) {
    this.#capacity = Math.max(0, capacity);
    this.#compare = compare;
  }

  /** How many items are kept. */
  get size(): number {
    return this.#heap.length;
  }

  /** Keeps `item` if it is among the smallest seen so far. */
  offer(item: T): void {
    const heap = this.#heap;
    if (heap.length < this.#capacity) {
      heap.push(item);
      this.#up(heap.length - 1);
    } else if (heap.length > 0 && this.#compare(item, heap[0]!) < 0) {
      heap[0] = item;
      this.#down(0);
    }
  }

  /** The items kept, smallest first. */
  sorted(): T[] {
    return this.#heap.toSorted(this.#compare);
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      let largest = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < heap.length && this.#compare(heap[child]!, heap[largest]!) > 0) largest = child;
      }
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
      i = largest;
    }
  }
}
