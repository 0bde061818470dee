/** A bounded FIFO of pending operations: a full mailbox refuses new work instead of dropping it. */

/** A bounded first-in, first-out queue. */
export class Mailbox<T> {
  readonly #capacity: number;
  #items: T[] = [];
  #head = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`expected a mailbox capacity >= 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Adds an item; returns false (and adds nothing) when the mailbox is full. */
  enqueue(item: T): boolean {
    if (this.size >= this.#capacity) return false;
    this.#items.push(item);
    return true;
  }

  /** Adds an item whatever the capacity: a system notice, which its sender bounds. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `count` items, oldest first. */
  take(count: number): T[] {
    const taken = this.#items.slice(this.#head, this.#head + count);
    this.#head += taken.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  /** Removes and returns everything. */
  drain(): T[] {
    return this.take(this.size);
  }
}
