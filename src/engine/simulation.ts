import { CANCELLED, EventQueue } from "./queue.js";
import { type Random, Streams } from "./random.js";
import { MAX_TIME, type Nanos } from "./time.js";

/**
 * An event was scheduled past 2^53 ns (about 104 days), where the clock stops being exact, or at
 * a time that is not a number: the run cannot go on correctly.
 */
export class ClockRangeError extends RangeError {
  constructor(readonly time: number) {
    super(`the clock would pass 2^53 ns (104 days), the most it holds exactly (an event at ${time} ns)`);
    this.name = "ClockRangeError";
  }
}

/** A function run when an event fires; it receives the numeric argument it was scheduled with. */
export type Handler = (arg: number) => void;

export interface SimulationOptions {
  /** Seed of every random stream of this simulation. Default 0. */
  seed?: number;
  /** Initial capacity of the event queue; it grows as needed. Default 1024. */
  capacity?: number;
}

/**
 * A discrete-event simulation: a clock in integer nanoseconds and a queue of pending events.
 *
 * Handlers are registered once and scheduled by index with a numeric argument, so scheduling an
 * event allocates nothing. Events at the same time run by priority (lower first), then in the
 * order they were scheduled. There is no global state: simulations can run side by side.
 */
export class Simulation {
  private clock: Nanos = 0;
  private readonly queue: EventQueue;
  private readonly handlers: Handler[] = [];
  private readonly streams: Streams;
  private processed = 0;
  /** Work done inside handlers that took no event of its own (see charge). */
  private charged = 0;

  constructor(options: SimulationOptions = {}) {
    this.queue = new EventQueue(options.capacity ?? 1024);
    this.streams = new Streams(options.seed ?? 0);
  }

  /** The current simulated time in nanoseconds. */
  get now(): Nanos {
    return this.clock;
  }

  /** Events handled so far (cancelled ones excluded). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /**
   * Counts `n` units of work done inside a handler without an event of its own (a model that runs
   * a long run of instant steps in one handler), so that `run`'s `maxEvents` bounds it too.
   * `eventsProcessed` does not include them. Returns true once the running `run` call's
   * `maxEvents` is spent: the caller should then go on in an event of its own, so the run can stop.
   */
  charge(n = 1): boolean {
    this.charged += n;
    return this.charged >= this.chargeCap;
  }
  /** Charged work at which the current `run` call's maxEvents is spent (Infinity without one). */
  private chargeCap = Number.POSITIVE_INFINITY;

  /** Events handled plus the work charged, what `maxEvents` counts. */
  get workDone(): number {
    return this.processed + this.charged;
  }

  /** Events waiting in the queue, including cancelled ones not yet discarded. */
  get pending(): number {
    return this.queue.size;
  }

  /** The independent random stream with this name (same seed and name, same numbers). */
  random(stream: string): Random {
    return this.streams.get(stream);
  }

  /** Registers a handler and returns the index to schedule it by. */
  register(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /**
   * Schedules handler `handler` to run `delay` ns from now (an integer, at least 0) with `arg`.
   * Returns the event's id for `cancel`.
   */
  schedule(delay: Nanos, handler: number, arg = 0, priority = 0): number {
    const time = this.clock + delay;
    if (!(delay >= 0 && time <= MAX_TIME)) {
      if (!(delay >= 0)) throw new RangeError(`invalid delay: ${delay} (expected a duration of at least 0 ns)`);
      throw new ClockRangeError(time);
    }
    return this.queue.push(time, priority, handler, arg);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  at(time: Nanos, handler: number, arg = 0, priority = 0): number {
    if (!(time >= this.clock)) throw new RangeError(`invalid time: ${time} (the clock is at ${this.clock})`);
    if (time > MAX_TIME) throw new ClockRangeError(time);
    return this.queue.push(time, priority, handler, arg);
  }

  /**
   * Cancels a pending event; cancelling one that already ran (or was cancelled) does nothing.
   * No lookup: the id names the event's slot and generation (see EventQueue).
   */
  cancel(id: number): void {
    this.queue.cancel(id);
  }

  /** Time of the next event that will run, or Infinity when none is pending. */
  peek(): Nanos {
    const queue = this.queue;
    while (queue.size > 0 && queue.handlerOf(queue.peekSlot()) === CANCELLED) queue.pop();
    return queue.peekTime();
  }

  /** Handles exactly one event. Returns false when there was none. */
  step(): boolean {
    const queue = this.queue;
    for (;;) {
      const slot = queue.pop();
      if (slot < 0) return false;
      const handler = queue.handlerOf(slot);
      if (handler === CANCELLED) continue;
      this.clock = queue.timeOf(slot);
      this.processed++;
      (this.handlers[handler] as Handler)(queue.argOf(slot));
      return true;
    }
  }

  /**
   * Runs events until none is left or the next one is later than `until`; the clock then stands
   * at `until` (when given and finite) or at the last event. With `maxEvents`, stops after that
   * many events (plus the work charged meanwhile) instead when some are left (the clock stays at the last one) and returns true:
   * call run again to go on, as a loop that stops now and then to show progress does.
   */
  run(until: Nanos = Number.POSITIVE_INFINITY, maxEvents = Number.POSITIVE_INFINITY): boolean {
    const queue = this.queue;
    const handlers = this.handlers;
    let handled = 0;
    const charged0 = this.charged;
    this.chargeCap = charged0 + maxEvents;
    // peekTime is Infinity on an empty queue, and pop then gives -1. A cancelled event at the head
    // is popped and skipped; one later than `until` ends the run as a real one would, since every
    // event after it is later still. (Handler indexes are at least 0; CANCELLED is below.) With
    // `maxEvents` handled, the run stops before the next real event and says more are left.
    while (queue.peekTime() <= until) {
      if (handled + this.charged - charged0 >= maxEvents) {
        this.chargeCap = Number.POSITIVE_INFINITY;
        if (this.peek() <= until) return true;
        break;
      }
      const slot = queue.pop();
      if (slot < 0) break;
      const handler = queue.handlerOf(slot);
      if (handler < 0) continue;
      this.clock = queue.timeOf(slot);
      this.processed++;
      handled++;
      (handlers[handler] as Handler)(queue.argOf(slot));
    }
    this.chargeCap = Number.POSITIVE_INFINITY;
    if (Number.isFinite(until) && until > this.clock) this.clock = until;
    return false;
  }
}
