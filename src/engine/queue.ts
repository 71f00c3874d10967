/**
 * A binary min-heap of pending events ordered by (time, priority, insertion number).
 *
 * Keys live in typed arrays indexed by slot; the heap itself is an Int32Array of slots, so a
 * push or pop allocates nothing once the arrays have grown to the largest number of pending
 * events. Each event carries a handler index and a numeric argument rather than a closure.
 */
export class EventQueue {
  private heap: Int32Array;
  private times: Float64Array;
  private priorities: Int32Array;
  private seqs: Float64Array;
  private handlers: Int32Array;
  private args: Float64Array;
  private free: Int32Array;
  private freeCount = 0;
  private capacity: number;
  private nextSlot = 0;
  private count = 0;
  private seq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity | 0);
    this.capacity = n;
    this.heap = new Int32Array(n);
    this.times = new Float64Array(n);
    this.priorities = new Int32Array(n);
    this.seqs = new Float64Array(n);
    this.handlers = new Int32Array(n);
    this.args = new Float64Array(n);
    this.free = new Int32Array(n);
  }

  get size(): number {
    return this.count;
  }

  /** Insertion numbers handed out so far; the next push gets this one. */
  get inserted(): number {
    return this.seq;
  }

  /** Adds an event and returns its insertion number, which identifies it for cancellation. */
  push(time: number, priority: number, handler: number, arg: number): number {
    const slot = this.allocate();
    const seq = this.seq++;
    this.times[slot] = time;
    this.priorities[slot] = priority;
    this.seqs[slot] = seq;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    let i = this.count++;
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as number;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
    return seq;
  }

  /** Slot of the earliest event (its fields readable through the accessors); -1 when empty. */
  peekSlot(): number {
    return this.count === 0 ? -1 : (this.heap[0] as number);
  }

  /** Insertion numbers of the pending events, in no particular order. */
  pendingIds(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.count; i++) ids.push(this.seqs[this.heap[i] as number] as number);
    return ids;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.times[this.heap[0] as number] as number);
  }

  /**
   * Removes the earliest event and returns its slot. The slot's fields stay readable through
   * the accessors below until the next push.
   */
  pop(): number {
    if (this.count === 0) return -1;
    const heap = this.heap;
    const top = heap[0] as number;
    const last = heap[--this.count] as number;
    const n = this.count;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        let c = heap[left] as number;
        if (right < n) {
          const r = heap[right] as number;
          if (this.less(r, c)) {
            child = right;
            c = r;
          }
        }
        if (!this.less(c, last)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    this.free[this.freeCount++] = top;
    return top;
  }

  timeOf(slot: number): number {
    return this.times[slot] as number;
  }
  priorityOf(slot: number): number {
    return this.priorities[slot] as number;
  }
  seqOf(slot: number): number {
    return this.seqs[slot] as number;
  }
  handlerOf(slot: number): number {
    return this.handlers[slot] as number;
  }
  argOf(slot: number): number {
    return this.args[slot] as number;
  }

  clear(): void {
    this.count = 0;
    this.freeCount = 0;
    this.nextSlot = 0;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    if (ta !== tb) return ta < tb;
    const pa = this.priorities[a] as number;
    const pb = this.priorities[b] as number;
    if (pa !== pb) return pa < pb;
    return (this.seqs[a] as number) < (this.seqs[b] as number);
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount] as number;
    if (this.nextSlot === this.capacity) this.grow();
    return this.nextSlot++;
  }

  private grow(): void {
    const n = this.capacity * 2;
    this.heap = growInt(this.heap, n);
    this.priorities = growInt(this.priorities, n);
    this.handlers = growInt(this.handlers, n);
    this.free = growInt(this.free, n);
    this.times = growFloat(this.times, n);
    this.seqs = growFloat(this.seqs, n);
    this.args = growFloat(this.args, n);
    this.capacity = n;
  }
}

function growInt(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growFloat(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
