/**
 * One configuration's results: the p50/p95/p99 readout with the p99 target met or missed, a line
 * of facts (the numbers `gilsim simulate` prints, in its format), the timeline, the latency
 * distribution, the loop lag and the p99-against-workers sparkline.
 */
import { GIL_HOLD_SHADES, STATE_COLORS, STATE_LABELS } from "../charts/palette.js";
import { glyphPath } from "../charts/symbols.js";
import { MARKER_KINDS, MARKER_STYLE } from "../charts/timeline-legend.js";
import { formatNumber, formatPercent } from "../cli/summary.js";
import { formatDuration, type Nanos } from "../engine/time.js";
import type { Metrics } from "../metrics/types.js";
import { THREAD_STATES } from "../trace/types.js";
import { el, find } from "./dom.js";
import { drawLag } from "./figures/lag.js";
import { drawLatency } from "./figures/latency.js";
import { drawSparkline, type SweepPoint } from "./figures/sparkline.js";
import type { Knobs } from "./knobs.js";
import type { Theme } from "./theme.js";
import { type TimelineHost, TimelineView } from "./timeline-view.js";
import type { Phases } from "./timing.js";
import type { TraceIndex } from "./trace-index.js";
import { MARKER_NAME } from "./words.js";

export interface ColumnData {
  title: string;
  metrics: Metrics;
  knobs: Knobs;
  index: TraceIndex;
  latencies: readonly Nanos[];
  truncated: boolean;
  /** For a scenario too big to sweep in the page: the CLI command that does it; else null. */
  sweepCommand: string | null;
  /** The p99-against-workers points so far (the run's own first), of `sweepTotal` worker counts. */
  sweep: readonly SweepPoint[];
  sweepTotal: number;
}

const SVG_NS = "http://www.w3.org/2000/svg";
/** The legend's marker swatches sit on the idle state's light grey, in both themes. */
const MARKER_CHIP = STATE_COLORS.idle;

function legend(): HTMLElement[] {
  const items: HTMLElement[] = THREAD_STATES.map((s) => {
    const swatch = el("i");
    // Idle as the theme draws it on the lanes (lighter on dark): the style sheet's --idle.
    swatch.style.background = s === "idle" ? "var(--idle)" : STATE_COLORS[s];
    return el("span", {}, swatch, STATE_LABELS[s]);
  });
  const gil = el("i");
  gil.style.background = `linear-gradient(90deg, ${GIL_HOLD_SHADES[0]} 50%, ${GIL_HOLD_SHADES[1]} 50%)`;
  items.push(
    el("span", {}, gil, "GIL held (the shade flips with each hold; summed per pixel, its opacity is the share held)"),
  );
  for (const kind of MARKER_KINDS) {
    const style = MARKER_STYLE[kind];
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "-7 -7 14 14");
    svg.setAttribute("aria-hidden", "true");
    // On a light chip, as the markers sit on coloured lanes: a dark page would hide the black ones.
    const chip = document.createElementNS(SVG_NS, "rect");
    for (const [k, v] of Object.entries({ x: "-7", y: "-7", width: "14", height: "14", rx: "2", fill: MARKER_CHIP })) {
      chip.setAttribute(k, v);
    }
    svg.append(chip);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", glyphPath(style.glyph, 4.5));
    path.setAttribute("fill", style.fill);
    path.setAttribute("stroke", style.stroke);
    svg.append(path);
    items.push(el("span", {}, svg as unknown as HTMLElement, MARKER_NAME[kind]));
  }
  return items;
}

export class Column {
  readonly root: HTMLElement;
  readonly timeline: TimelineView;
  private data: ColumnData | null = null;
  private sweep: SweepPoint[] = [];
  private sweepTotal = 0;
  /** The animation frame that will redraw the sparkline with the points come in meanwhile. */
  private sweepFrame = 0;
  private sweepDraw: { slo: Nanos; theme: Theme } | null = null;
  /** The small figures' widths, read once per show (reading a width lays the page out). */
  private widths = { latency: 300, lag: 300, workers: 300 };

  constructor(
    template: HTMLTemplateElement,
    host: TimelineHost,
    label: string,
    private readonly phases: Phases,
  ) {
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    this.root.setAttribute("aria-label", label);
    find(this.root, ".legend").replaceChildren(...legend());
    this.timeline = new TimelineView(find(this.root, ".timeline"), host);
  }

  /** Marks the figures as not matching the knobs (an invalid scenario, a cancelled run). */
  stale(note: string | null): void {
    this.root.classList.toggle("stale", note !== null);
    const p = find(this.root, ".stale");
    p.hidden = note === null;
    p.textContent = note ?? "";
  }

  show(data: ColumnData, slo: Nanos, window: [Nanos, Nanos] | null, theme: Theme): void {
    this.data = data;
    this.sweep = [...data.sweep].sort((a, b) => a.workers - b.workers);
    this.sweepTotal = data.sweepTotal;
    find(this.root, ".side-title").textContent = data.title;
    // Every width is read before anything is drawn, so the page is laid out once, not per figure.
    const timelineWidth = this.phases.time("layout", () => {
      const width = (name: string) => Math.max(220, Math.floor(find(this.root, `.plot.${name}`).clientWidth || 300));
      this.widths = { latency: width("latency"), lag: width("lag"), workers: width("workers") };
      return this.timeline.width();
    });
    this.phases.time("readout", () => {
      this.readout(slo);
      this.facts();
    });
    this.phases.time("timeline", () =>
      this.timeline.render(
        data.index,
        window,
        theme,
        data.knobs.python.endsWith("t") && !data.knobs.gil,
        timelineWidth,
      ),
    );
    this.smallFigures(slo, theme);
  }

  readout(slo: Nanos): void {
    const d = this.data;
    if (!d) return;
    const q = d.metrics.latency;
    for (const name of ["p50", "p95", "p99"] as const) {
      find(this.root, `[data-metric="${name}"]`).textContent = q.count === 0 ? "none" : formatDuration(q[name]);
    }
    const badge = find(this.root, "[data-slo]");
    const met = q.count > 0 && q.p99 <= slo;
    badge.className = `slo ${met ? "met" : "missed"}`;
    badge.textContent =
      q.count === 0
        ? `no task measured: target ${formatDuration(slo)} not checked`
        : met
          ? `p99 target ${formatDuration(slo)}: met`
          : `p99 target ${formatDuration(slo)}: missed (${formatNumber(q.p99 / slo)}× over)`;
  }

  private facts(): void {
    const d = this.data as ColumnData;
    const m = d.metrics;
    const rows: [string, string][] = [
      ["tasks", `${m.tasks.completed} of ${m.tasks.arrived} done, ${m.tasks.measured} measured`],
      ["throughput", `${formatNumber(m.throughput)} tasks/s`],
      ["makespan", formatDuration(m.makespan)],
      ["cores busy", m.coreUtilization.map(formatPercent).join(" ")],
    ];
    for (const g of m.gil) {
      const where = m.gil.length > 1 ? ` (process ${g.process})` : "";
      rows.push([
        `GIL${where}`,
        `${g.switches} switches, ${g.forced} forced, ${g.convoys} convoys, ${formatPercent(g.waitShare)} of thread time waiting`,
      ]);
    }
    for (const l of m.loops.slice(0, 2)) {
      rows.push([`loop lag p99${m.loops.length > 1 ? ` (process ${l.process})` : ""}`, formatDuration(l.lag.p99)]);
    }
    if (d.truncated) rows.push(["stopped", "at run.until, with tasks unfinished"]);
    find(this.root, ".facts").replaceChildren(...rows.map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, v))));
  }

  private smallFigures(slo: Nanos, theme: Theme): void {
    const d = this.data as ColumnData;
    const latency = find(this.root, ".plot.latency");
    const timed = <T>(name: string, f: () => T) => this.phases.time(name, f);
    if (d.latencies.length === 0) latency.replaceChildren(el("p", { class: "placeholder" }, "No task was measured."));
    else
      timed("latency", () =>
        latency.replaceChildren(
          drawLatency(
            document,
            { latencies: d.latencies, quantiles: d.metrics.latency, slo },
            { width: this.widths.latency, height: 170, theme },
          ),
        ),
      );
    const lag = find(this.root, ".plot.lag");
    const loops = d.metrics.loops.filter((l) => l.lagSeries.length > 0);
    find(this.root, ".lag-hint").hidden = loops.length === 0;
    if (loops.length === 0)
      lag.replaceChildren(
        el(
          "p",
          { class: "placeholder" },
          d.metrics.loops.length === 0 ? "No event loop in this configuration." : "No callback waited.",
        ),
      );
    else
      timed("lag", () =>
        lag.replaceChildren(
          drawLag(document, loops, { width: this.widths.lag, height: 170, theme, end: d.index.trace.end }),
        ),
      );
    timed("sparkline", () => this.drawSweep(slo, theme));
  }

  /**
   * Takes the points the worker has reported and redraws the sparkline at the next animation
   * frame: points that arrive together are drawn once.
   */
  sweepPoints(points: readonly SweepPoint[], total: number, slo: Nanos, theme: Theme): void {
    this.sweep = [...points].sort((a, b) => a.workers - b.workers);
    this.sweepTotal = total;
    this.sweepDraw = { slo, theme };
    if (this.sweepFrame !== 0) return;
    this.sweepFrame = requestAnimationFrame(() => {
      this.sweepFrame = 0;
      const d = this.sweepDraw;
      if (d) this.drawSweep(d.slo, d.theme);
    });
  }

  /** Draws now the points still waiting for their animation frame (the page is not ready before). */
  flushSweep(): void {
    if (this.sweepFrame === 0) return;
    cancelAnimationFrame(this.sweepFrame);
    this.sweepFrame = 0;
    const d = this.sweepDraw;
    if (d) this.drawSweep(d.slo, d.theme);
  }

  private drawSweep(slo: Nanos, theme: Theme): void {
    const d = this.data;
    const node = find(this.root, ".plot.workers");
    const title = find(this.root, ".workers-title");
    const pending = find(this.root, ".sweep-status");
    if (!d) return;
    const missing = d.knobs.workers === null || d.sweepCommand !== null ? 0 : this.sweepTotal - this.sweep.length;
    pending.hidden = missing <= 0;
    pending.textContent =
      missing > 0
        ? `Running the other worker counts beside the page: ${this.sweep.length} of ${this.sweepTotal} points in.`
        : "";
    const k = d.knobs;
    title.textContent = k.executor === "asyncio" ? "p99 against event-loop processes" : "p99 against workers";
    find(this.root, ".workers-hint").hidden = k.workers === null;
    if (k.workers === null) {
      node.replaceChildren(el("p", { class: "placeholder" }, "One thread: there are no workers to vary."));
      return;
    }
    if (d.sweepCommand !== null && this.sweep.length <= 1) {
      node.replaceChildren(
        el("p", { class: "placeholder" }, "Too big to run eight times in the page. The CLI sweeps it:"),
        el("code", { class: "command" }, d.sweepCommand),
      );
      return;
    }
    if (this.sweep.length === 0) {
      node.replaceChildren(el("p", { class: "placeholder" }, "Running the scenario at 1 to 64 workers..."));
      return;
    }
    const range: [number, number] = [1, Math.max(64, k.workers)];
    node.replaceChildren(
      drawSparkline(document, this.sweep, {
        width: this.widths.workers,
        height: 170,
        theme,
        current: k.workers,
        slo,
        workersLabel: k.executor === "asyncio" ? "event-loop processes" : "workers",
        range,
      }),
    );
  }
}
