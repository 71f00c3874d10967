/**
 * The interactive timeline of one configuration: zoom by dragging, with buttons or keys; hover (or
 * the keyboard cursor) shows a thread's state, its duration and why it waits, in the model's words.
 */
import { STATE_LABELS } from "../charts/palette.js";
import { formatDuration, type Nanos } from "../engine/time.js";
import { find, measureText } from "./dom.js";
import { drawTimeline, type TimelineGeometry } from "./figures/timeline.js";
import type { Theme } from "./theme.js";
import { holdAt, holdersDuring, intervalAt, neighbours, type TraceIndex } from "./trace-index.js";
import { STATE_MEANING, stateReason } from "./words.js";

export interface TimelineHost {
  /** The reader zoomed or panned: the new window, or null for the whole run. */
  window(w: [Nanos, Nanos] | null): void;
}

const MIN_SPAN = 1000; // 1 us

export class TimelineView {
  private readonly area: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly cursorEl: HTMLElement;
  private readonly brush: HTMLElement;
  private index: TraceIndex | null = null;
  private geometry: TimelineGeometry | null = null;
  private freeThreaded = false;
  private cursor: { time: Nanos; lane: number } | null = null;
  private dragFrom: number | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: TimelineHost,
  ) {
    this.area = find(root, ".plot-area");
    this.plot = find(root, ".plot");
    this.tooltip = find(root, ".tooltip");
    this.cursorEl = find(root, ".cursor");
    this.brush = find(root, ".brush");
    for (const button of root.querySelectorAll<HTMLButtonElement>("[data-zoom]")) {
      button.addEventListener("click", () => this.zoom(button.dataset.zoom as string));
    }
    this.area.addEventListener("pointermove", (e) => this.onMove(e));
    this.area.addEventListener("pointerleave", () => {
      if (this.dragFrom === null) this.tooltip.hidden = true;
    });
    this.area.addEventListener("pointerdown", (e) => this.onDown(e));
    this.area.addEventListener("pointerup", (e) => this.onUp(e));
    this.area.addEventListener("keydown", (e) => this.onKey(e));
    this.area.addEventListener("blur", () => {
      this.tooltip.hidden = true;
    });
  }

  /** The width the timeline can take, in px (reading it lays the page out: read before drawing). */
  width(): number {
    return Math.max(280, Math.floor(this.plot.clientWidth || this.root.clientWidth || 600));
  }

  /** Draws the trace over `window` (null: the whole run), `width` px wide (default: measured). */
  render(
    index: TraceIndex,
    window: [Nanos, Nanos] | null,
    theme: Theme,
    freeThreaded: boolean,
    width = this.width(),
  ): void {
    this.index = index;
    this.freeThreaded = freeThreaded;
    const end = Math.max(1, index.trace.end);
    const w: [Nanos, Nanos] = window ? [Math.max(0, window[0]), window[1]] : [0, end];
    if (w[1] - w[0] < MIN_SPAN) w[1] = w[0] + MIN_SPAN;
    const { svg, geometry } = drawTimeline(document, index.trace, {
      width,
      window: w,
      theme,
      measure: (t) => measureText(t),
    });
    this.geometry = geometry;
    this.plot.replaceChildren(svg);
    this.area.setAttribute(
      "aria-label",
      `Thread timeline, ${geometry.lanes.length} lanes, ${formatDuration(w[1] - w[0])} from ${formatDuration(w[0])}${geometry.aggregated ? `; ${geometry.visible} intervals summed per pixel` : ""}`,
    );
    this.drawCursor();
  }

  /** Puts the cursor on a thread's lane at a time (the why panel's current event). */
  point(time: Nanos, thread: number | null): void {
    const g = this.geometry;
    if (!g) return;
    const lane = thread === null ? (this.cursor?.lane ?? 0) : g.laneThread.indexOf(thread);
    this.cursor = { time, lane: Math.max(0, lane) };
    this.drawCursor();
  }

  private drawCursor(): void {
    const g = this.geometry;
    const c = this.cursor;
    if (!g || !c || c.time < g.window[0] || c.time > g.window[1]) {
      this.cursorEl.hidden = true;
      return;
    }
    this.cursorEl.hidden = false;
    const scale = this.scale();
    this.cursorEl.style.left = `${g.x(c.time) * scale}px`;
    this.cursorEl.style.height = `${(g.marginTop + g.lanes.length * g.laneHeight) * scale}px`;
    this.cursorEl.style.setProperty("--lane-y", `${(g.marginTop + c.lane * g.laneHeight) * scale}px`);
    this.cursorEl.style.setProperty("--lane-h", `${g.laneHeight * scale - 4}px`);
  }

  /** Screen px per SVG px (the SVG shrinks with max-width: 100%). */
  private scale(): number {
    const svg = this.plot.querySelector("svg");
    const g = this.geometry;
    if (!svg || !g) return 1;
    const w = Number(svg.getAttribute("width"));
    return w > 0 ? svg.getBoundingClientRect().width / w || 1 : 1;
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const box = this.plot.getBoundingClientRect();
    const s = this.scale();
    return { x: (e.clientX - box.left) / s, y: (e.clientY - box.top) / s };
  }

  private onMove(e: PointerEvent): void {
    const g = this.geometry;
    if (!g) return;
    const p = this.local(e);
    if (this.dragFrom !== null) {
      const s = this.scale();
      const a = Math.min(this.dragFrom, p.x);
      const b = Math.max(this.dragFrom, p.x);
      this.brush.hidden = false;
      this.brush.style.left = `${a * s}px`;
      this.brush.style.width = `${(b - a) * s}px`;
      this.brush.style.height = `${(g.marginTop + g.lanes.length * g.laneHeight) * s}px`;
      return;
    }
    const lane = g.laneAt(p.y);
    if (p.x < g.marginLeft || p.x > g.marginLeft + g.plotWidth || lane < 0 || lane >= g.lanes.length) {
      this.tooltip.hidden = true;
      return;
    }
    this.showTip(g.time(p.x), lane, p.x, p.y);
  }

  private onDown(e: PointerEvent): void {
    const g = this.geometry;
    if (!g || e.button !== 0) return;
    const p = this.local(e);
    if (p.x < g.marginLeft) return;
    this.dragFrom = Math.min(p.x, g.marginLeft + g.plotWidth);
    this.tooltip.hidden = true;
    this.area.setPointerCapture(e.pointerId);
  }

  private onUp(e: PointerEvent): void {
    const g = this.geometry;
    const from = this.dragFrom;
    this.dragFrom = null;
    this.brush.hidden = true;
    if (!g || from === null) return;
    const to = Math.max(g.marginLeft, Math.min(this.local(e).x, g.marginLeft + g.plotWidth));
    if (Math.abs(to - from) < 4) {
      const lane = g.laneAt(this.local(e).y);
      this.cursor = { time: g.time(to), lane: Math.max(0, Math.min(g.lanes.length - 1, lane)) };
      this.drawCursor();
      return;
    }
    this.host.window([g.time(Math.min(from, to)), g.time(Math.max(from, to))]);
  }

  private zoom(how: string): void {
    const g = this.geometry;
    const index = this.index;
    if (!g || !index) return;
    const [a, b] = g.window;
    const span = b - a;
    const end = index.trace.end;
    const centre = this.cursor && this.cursor.time >= a && this.cursor.time <= b ? this.cursor.time : (a + b) / 2;
    const clamp = (start: number, width: number): [Nanos, Nanos] | null => {
      if (width >= end) return null;
      const s = Math.max(0, Math.min(end - width, start));
      return [Math.round(s), Math.round(s + width)];
    };
    if (how === "reset") this.host.window(null);
    else if (how === "in") this.host.window(clamp(centre - (centre - a) / 2, Math.max(MIN_SPAN, span / 2)));
    else if (how === "out") this.host.window(clamp(centre - (centre - a) * 2, span * 2));
    else if (how === "left") this.host.window(clamp(a - span / 2, span));
    else if (how === "right") this.host.window(clamp(a + span / 2, span));
  }

  private onKey(e: KeyboardEvent): void {
    const g = this.geometry;
    const index = this.index;
    if (!g || !index) return;
    const keys: Record<string, string> = { "+": "in", "=": "in", "-": "out", _: "out", "0": "reset" };
    const zoomKey = keys[e.key];
    if (zoomKey) {
      this.zoom(zoomKey);
      e.preventDefault();
      return;
    }
    if (e.key === "Escape") {
      this.tooltip.hidden = true;
      return;
    }
    const c = this.cursor ?? { time: g.window[0], lane: g.laneThread.findIndex((t) => t >= 0) };
    let { time, lane } = c;
    if (e.key === "ArrowUp") lane = Math.max(0, lane - 1);
    else if (e.key === "ArrowDown") lane = Math.min(g.lanes.length - 1, lane + 1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      if (e.shiftKey) {
        this.zoom(e.key === "ArrowLeft" ? "left" : "right");
        e.preventDefault();
        return;
      }
      time = this.step(lane, time, e.key === "ArrowRight" ? 1 : -1);
    } else if (e.key === "Home") time = g.window[0];
    else if (e.key === "End") time = g.window[1];
    else return;
    e.preventDefault();
    this.cursor = { time, lane };
    if (time < g.window[0] || time > g.window[1]) {
      const span = g.window[1] - g.window[0];
      this.host.window([Math.max(0, time - span / 2), Math.max(0, time - span / 2) + span]);
    }
    this.drawCursor();
    this.showTip(
      time,
      lane,
      g.x(Math.min(Math.max(time, g.window[0]), g.window[1])),
      g.marginTop + (lane + 1) * g.laneHeight,
    );
  }

  /** The next (or previous) interval start on a lane; a GIL lane steps by its holds. */
  private step(lane: number, time: Nanos, direction: 1 | -1): Nanos {
    const g = this.geometry as TimelineGeometry;
    const index = this.index as TraceIndex;
    const thread = g.laneThread[lane] ?? -1;
    const span = g.window[1] - g.window[0];
    if (thread < 0) {
      const holds = index.holds.get(g.lanes[lane]?.process ?? 0) ?? [];
      const next =
        direction > 0 ? holds.find((h) => h.start > time)?.start : holds.filter((h) => h.start < time).at(-1)?.start;
      return next ?? time + (direction * span) / 100;
    }
    const n = neighbours(index, thread, time);
    const next = direction > 0 ? n.after : n.before;
    return next ?? time + (direction * span) / 100;
  }

  private showTip(time: Nanos, lane: number, x: number, y: number): void {
    const g = this.geometry as TimelineGeometry;
    const index = this.index as TraceIndex;
    const thread = g.laneThread[lane] ?? -1;
    const laneInfo = g.lanes[lane];
    const tip = this.tooltip;
    tip.replaceChildren();
    const line = (text: string, strong = false) => {
      const node = document.createElement(strong ? "strong" : "div");
      node.textContent = text;
      tip.append(node);
    };
    if (thread < 0 && laneInfo) {
      const hold = holdAt(index, laneInfo.process, time);
      if (!hold) line("GIL free at this moment", true);
      else {
        line(`GIL held by ${index.names.get(hold.thread) ?? hold.thread}`, true);
        line(
          `${formatDuration(hold.end - hold.start)}, from ${formatDuration(hold.start)} to ${formatDuration(hold.end)}`,
        );
        const why: Record<string, string> = {
          voluntary: "It ended when the holder released the GIL itself (to block, or to run C code without it).",
          forced: "It ended with a forced switch: a waiter's drop request made the holder let go.",
          exit: "It ended when the thread finished.",
          end: "The run ended while the thread still held it.",
        };
        line(why[hold.reason] ?? "");
      }
    } else {
      const it = intervalAt(index, thread, time);
      const name = index.names.get(thread) ?? `thread ${thread}`;
      if (!it) line(`${name}: not started, or finished`, true);
      else {
        line(`${name}: ${STATE_LABELS[it.state]}`, true);
        line(`${formatDuration(it.end - it.start)}, from ${formatDuration(it.start)} to ${formatDuration(it.end)}`);
        line(`${STATE_MEANING[it.state]}.`);
        const process = index.process.get(thread) ?? 0;
        line(
          stateReason(it.state, {
            holders:
              it.state === "wait-gil" ? holdersDuring(index, process, it.start, it.end).filter((h) => h !== name) : [],
            cores: index.trace.cores,
            freeThreaded: this.freeThreaded,
          }),
        );
      }
    }
    tip.hidden = false;
    const s = this.scale();
    const areaWidth = this.area.clientWidth;
    const left = Math.min(Math.max(0, x * s + 12), Math.max(0, areaWidth - tip.offsetWidth - 4));
    tip.style.left = `${left}px`;
    tip.style.top = `${y * s + 14}px`;
  }
}
