/**
 * The "why" panel: steps through the GIL's events inside the timeline's window, one by one (drop
 * request, forced switch, hand-off, convoy), saying each in the model's words and pointing the
 * timeline's cursor at it.
 */
import { formatDuration, type Nanos } from "../engine/time.js";
import { byId, el } from "./dom.js";
import { type GilEvent, gilEvents, type TraceIndex } from "./trace-index.js";
import { whySentence } from "./words.js";

export interface WhyHost {
  /** Point the timeline at an event. */
  point(time: Nanos, thread: number): void;
  /** Zoom the timeline around a time. */
  zoomTo(window: [Nanos, Nanos]): void;
}

export class WhyPanel {
  private events: GilEvent[] = [];
  private at = 0;
  private index: TraceIndex | null = null;
  private switchInterval = 0;
  private window: [Nanos, Nanos] = [0, 0];

  constructor(private readonly host: WhyHost) {
    byId("why-prev").addEventListener("click", () => this.go(this.at - 1));
    byId("why-next").addEventListener("click", () => this.go(this.at + 1));
    byId("why-zoom").addEventListener("click", () => {
      const e = this.events[this.at];
      if (!e) return;
      const span = Math.max(4 * this.switchInterval, 1_000_000);
      this.host.zoomTo([Math.max(0, e.time - span / 2), Math.max(0, e.time - span / 2) + span]);
    });
  }

  /** Lists the events of `window` in `index`'s trace; keeps the current event when it is still there. */
  show(index: TraceIndex, window: [Nanos, Nanos] | null, switchInterval: Nanos, freeThreaded: boolean): void {
    const previous = this.events[this.at];
    this.index = index;
    this.switchInterval = switchInterval;
    this.window = window ?? [0, index.trace.end];
    this.events = gilEvents(index, this.window);
    const kept = previous
      ? this.events.findIndex(
          (e) => e.time === previous.time && e.kind === previous.kind && e.thread === previous.thread,
        )
      : -1;
    this.at = Math.max(0, kept);
    const scope = byId("why-scope");
    const count = this.events.length;
    scope.textContent =
      count === 0
        ? index.trace.gil.length === 0
          ? freeThreaded
            ? "No GIL in this run (a free-threaded build with the GIL off): threads never wait for one another to run Python."
            : "No thread contends for a GIL in this run."
          : "No GIL event in the timeline's window: zoom out, or pick another stretch."
        : `${count === 2000 ? "The first 2,000" : count} GIL ${count === 1 ? "event" : "events"} ${window === null ? "in the whole run" : `between ${this.window[0] === 0 ? "0" : formatDuration(this.window[0])} and ${formatDuration(this.window[1])}`}.${window === null || count > 50 ? " Zoom the timeline to step through a shorter stretch." : ""}`;
    this.render(false);
  }

  private go(at: number): void {
    if (this.events.length === 0) return;
    this.at = Math.max(0, Math.min(this.events.length - 1, at));
    this.render(true);
  }

  private render(point: boolean): void {
    const e = this.events[this.at];
    const prev = byId<HTMLButtonElement>("why-prev");
    const next = byId<HTMLButtonElement>("why-next");
    prev.disabled = !e || this.at === 0;
    next.disabled = !e || this.at >= this.events.length - 1;
    byId<HTMLButtonElement>("why-zoom").disabled = !e;
    byId("why-count").textContent = e ? `${this.at + 1} of ${this.events.length}` : "";
    const text = byId("why-text");
    if (!e || !this.index) {
      text.replaceChildren();
      return;
    }
    const name = (id: number | null) => (id === null ? null : (this.index?.names.get(id) ?? `thread ${id}`));
    const sentence = whySentence({
      kind: e.kind,
      thread: name(e.thread) ?? "",
      holder: name(e.holder),
      switchInterval: this.switchInterval,
      waiting: e.waiting,
    });
    text.replaceChildren(el("time", {}, formatDuration(e.time)), sentence);
    if (point) this.host.point(e.time, e.thread);
  }
}
