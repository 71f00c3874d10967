/**
 * A binary min-heap of pending events ordered by (time, priority, insertion number).
 *
 * The heap is two typed arrays in heap order, each event's time and its slot; the slot holds the
 * event's handler index, numeric argument, priority and insertion number. A sift moves two values a
 * level, and reads a slot's priority and insertion number only between events at the same time,
 * which are rarer than levels (with four arrays a level the engine ran M/M/4 at 0.61 to 0.68 of the
 * lean reference loop, with two at 0.70 to 0.75). A push or pop allocates nothing once the arrays
 * have grown to the largest number of pending events. Each event carries a handler index and a
 * numeric argument rather than a closure.
 *
 * Cancellation costs no lookup: an event's id is its slot plus SLOTS times the slot's generation,
 * the generation goes up when the slot is freed, so an id names one event for good, and cancelling
 * marks the slot. A cancelled event stays in the heap until it reaches the top, where the caller
 * sees its handler as CANCELLED and discards it.
 */

/** The handler index a cancelled event reports. */
export const CANCELLED = -1;

/** Slots an id can name: at most this many events can be pending at once. */
const SLOTS = 2 ** 26;
/** Generations a slot goes through before it is retired (so ids stay below 2^53 and never repeat). */
const GENERATIONS = 2 ** 27;

export class EventQueue {
  // In heap order: each event's time and slot (its priority and insertion number, compared only
  // between events at the same time, are read from the slot).
  private heapTimes: Float64Array;
  private heapSlots: Int32Array;
  // Per slot.
  private times: Float64Array;
  private priorities: Int32Array;
  private seqs: Float64Array;
  private handlers: Int32Array;
  private args: Float64Array;
  private generations: Float64Array;
  private free: Int32Array;
  private freeCount = 0;
  private capacity: number;
  private nextSlot = 0;
  private count = 0;
  private seq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.min(SLOTS, Math.max(16, initialCapacity | 0));
    this.capacity = n;
    this.heapTimes = new Float64Array(n);
    this.heapSlots = new Int32Array(n);
    this.times = new Float64Array(n);
    this.priorities = new Int32Array(n);
    this.seqs = new Float64Array(n);
    this.handlers = new Int32Array(n);
    this.args = new Float64Array(n);
    this.generations = new Float64Array(n);
    this.free = new Int32Array(n);
  }

  /** Events in the heap, cancelled ones not yet popped included. */
  get size(): number {
    return this.count;
  }

  /** Insertion numbers handed out so far; the next push gets this one. */
  get inserted(): number {
    return this.seq;
  }

  /** Adds an event (handler at least 0) and returns its id, for `cancel`. */
  push(time: number, priority: number, handler: number, arg: number): number {
    const slot = this.freeCount > 0 ? (this.free[--this.freeCount] as number) : this.fresh();
    const seq = this.seq++;
    this.times[slot] = time;
    this.priorities[slot] = priority;
    this.seqs[slot] = seq;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    const times = this.heapTimes;
    const slots = this.heapSlots;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && this.slotsBefore(slots[parent] as number, slot))) break;
      times[i] = pt;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    times[i] = time;
    slots[i] = slot;
    return (this.generations[slot] as number) * SLOTS + slot;
  }

  /**
   * Cancels the pending event with this id: it will pop with handler CANCELLED. Returns false,
   * doing nothing, when the id names no pending event (it ran, was cancelled, or never existed).
   */
  cancel(id: number): boolean {
    if (!(id >= 0 && id < 2 ** 53)) return false;
    const slot = id % SLOTS;
    if (slot >= this.nextSlot || (this.generations[slot] as number) * SLOTS + slot !== id) return false;
    if (this.handlers[slot] === CANCELLED) return false;
    this.handlers[slot] = CANCELLED;
    return true;
  }

  /** Slot of the earliest event (its fields readable through the accessors); -1 when empty. */
  peekSlot(): number {
    return this.count === 0 ? -1 : (this.heapSlots[0] as number);
  }

  /** Ids of the pending events that are not cancelled, in no particular order. */
  pendingIds(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = this.heapSlots[i] as number;
      if (this.handlers[slot] !== CANCELLED) ids.push((this.generations[slot] as number) * SLOTS + slot);
    }
    return ids;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.heapTimes[0] as number);
  }

  /**
   * Removes the earliest event and returns its slot. The slot's fields stay readable through
   * the accessors below until the next push; its id no longer names it.
   */
  pop(): number {
    if (this.count === 0) return -1;
    const times = this.heapTimes;
    const slots = this.heapSlots;
    const top = slots[0] as number;
    const n = --this.count;
    if (n > 0) {
      const lt = times[n] as number;
      const lslot = slots[n] as number;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let ct = times[child] as number;
        const right = child + 1;
        if (right < n) {
          const rt = times[right] as number;
          if (rt < ct || (rt === ct && this.slotsBefore(slots[right] as number, slots[child] as number))) {
            child = right;
            ct = rt;
          }
        }
        if (lt < ct || (lt === ct && this.slotsBefore(lslot, slots[child] as number))) break;
        times[i] = ct;
        slots[i] = slots[child] as number;
        i = child;
      }
      times[i] = lt;
      slots[i] = lslot;
    }
    this.release(top);
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
  /** The event's handler index, or CANCELLED. */
  handlerOf(slot: number): number {
    return this.handlers[slot] as number;
  }
  argOf(slot: number): number {
    return this.args[slot] as number;
  }

  /** Empties the queue; the ids of the events it held name nothing from now on. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.release(this.heapSlots[i] as number);
    this.count = 0;
  }

  /** Whether the event in slot `a` comes before the one in slot `b`, both at the same time. */
  private slotsBefore(a: number, b: number): boolean {
    const pa = this.priorities[a] as number;
    const pb = this.priorities[b] as number;
    return pa !== pb ? pa < pb : (this.seqs[a] as number) < (this.seqs[b] as number);
  }

  /** Frees a slot: a new generation, so old ids miss it; retired after its last generation. */
  private release(slot: number): void {
    const g = (this.generations[slot] as number) + 1;
    this.generations[slot] = g;
    if (g < GENERATIONS) this.free[this.freeCount++] = slot;
  }

  private fresh(): number {
    if (this.nextSlot === this.capacity) this.grow();
    return this.nextSlot++;
  }

  private grow(): void {
    if (this.capacity >= SLOTS) {
      throw new RangeError(`invalid event count: more than ${SLOTS} pending events (expected at most ${SLOTS})`);
    }
    const n = Math.min(SLOTS, this.capacity * 2);
    this.heapTimes = growFloat(this.heapTimes, n);
    this.heapSlots = growInt(this.heapSlots, n);
    this.times = growFloat(this.times, n);
    this.priorities = growInt(this.priorities, n);
    this.seqs = growFloat(this.seqs, n);
    this.handlers = growInt(this.handlers, n);
    this.args = growFloat(this.args, n);
    this.generations = growFloat(this.generations, n);
    this.free = growInt(this.free, n);
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
