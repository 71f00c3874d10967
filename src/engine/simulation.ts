import { CANCELLED, EventQueue } from "./queue.js";
import { type Random, Streams } from "./random.js";
import type { Nanos } from "./time.js";

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
    if (!(delay >= 0)) throw new RangeError(`invalid delay: ${delay} (expected a duration of at least 0 ns)`);
    return this.queue.push(this.clock + delay, priority, handler, arg);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  at(time: Nanos, handler: number, arg = 0, priority = 0): number {
    if (!(time >= this.clock)) throw new RangeError(`invalid time: ${time} (the clock is at ${this.clock})`);
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
   * at `until` (when given and finite) or at the last event.
   */
  run(until: Nanos = Number.POSITIVE_INFINITY): void {
    const queue = this.queue;
    const handlers = this.handlers;
    // peekTime is Infinity on an empty queue, and pop then gives -1. A cancelled event at the head
    // is popped and skipped; one later than `until` ends the run as a real one would, since every
    // event after it is later still. (Handler indexes are at least 0; CANCELLED is below.)
    while (queue.peekTime() <= until) {
      const slot = queue.pop();
      if (slot < 0) break;
      const handler = queue.handlerOf(slot);
      if (handler < 0) continue;
      this.clock = queue.timeOf(slot);
      this.processed++;
      (handlers[handler] as Handler)(queue.argOf(slot));
    }
    if (Number.isFinite(until) && until > this.clock) this.clock = until;
  }
}
