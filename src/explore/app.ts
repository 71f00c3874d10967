/**
 * The page: its state (one configuration, or two in compare mode), the URL that holds it, and the
 * path from a change to the figures: parse, run, draw, then the sparkline's sweep.
 *
 * The page says when it is idle on <html data-state="ready" data-updates="N"> (N counts the
 * times it became idle) and with an "explore:ready" event whose detail gives the time from the
 * change to the main views drawn (mainMs) and painted (paintMs), to every view, the sparkline
 * included (allMs), and the update's time by phase (phases, see timing.ts): tests wait on these,
 * and the bench reads them.
 */
import type { Figure } from "../charts/types.js";
import type { Nanos } from "../engine/time.js";
import { getPreset, type PresetName } from "../scenario/presets.js";
import { cliCommand, presetOf, scenarioFileText, sweepCommand } from "./cli-command.js";
import { Column } from "./column.js";
import { compareSentence } from "./compare.js";
import { Controls } from "./controls.js";
import { byId } from "./dom.js";
import { chromeTrace, type FigureName, metricsJson, reportFigure } from "./export.js";
import { applyKnob, type KnobChange, type Knobs, readKnobs } from "./knobs.js";
import { type Outcome, type Parsed, parseInput, parseText, sweepWorkers } from "./run.js";
import { Runner, type SweepPointResult } from "./runner.js";
import { SharePanel } from "./share-panel.js";
import { THEMES, type ThemeName } from "./theme.js";
import { Phases } from "./timing.js";
import { indexTrace, type TraceIndex } from "./trace-index.js";
import { decodeState, encodeState, type PageState, prettyJson } from "./url-state.js";
import { WhyPanel } from "./why-panel.js";

type SideName = "a" | "b";

/** Resolves once the browser has painted the next frame (a task queued from the frame's rAF runs after it). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    }),
  );
}

interface Side {
  name: SideName;
  text: string;
  parsed: Parsed;
  column: Column;
  /** The last finished run, and the input it ran. */
  outcome: Outcome | null;
  ranText: string | null;
  index: TraceIndex | null;
  knobs: Knobs | null;
  latencies: Nanos[];
  /** The p99-against-workers points so far (this run's own first), and whether every count is in. */
  sweep: SweepPointResult[];
  sweepDone: boolean;
  /** The window its timeline was last drawn over. */
  drawnWindow: [Nanos, Nanos] | null;
}

const THEME_KEY = "gilsim-explore-theme";

function storedTheme(): ThemeName {
  try {
    const t = localStorage.getItem(THEME_KEY);
    if (t === "light" || t === "dark") return t;
  } catch {
    // No storage (a locked-down browser): follow the system.
  }
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export class App {
  private state: PageState;
  private readonly sides = new Map<SideName, Side>();
  private active: SideName = "a";
  private theme: ThemeName = storedTheme();
  private readonly runner = new Runner();
  private readonly controls: Controls;
  private readonly why: WhyPanel;
  private readonly share: SharePanel;
  private readonly template = byId<HTMLTemplateElement>("column");
  private pending = new Set<SideName>();
  private frame = 0;
  private busy = 0;
  private changedAt = 0;
  private mainMs = 0;
  private paintMs = 0;
  /** The points array each side's running sweep fills. */
  private readonly sweeping = new Map<SideName, SweepPointResult[]>();
  private updates = 0;
  private readonly phases = new Phases();

  constructor() {
    this.state = decodeState(location.hash);
    this.controls = new Controls({
      knob: (c) => this.knob(c),
      preset: (name) => this.preset(name),
      json: (text) => this.setText(this.active, text),
      slo: (ns) => {
        this.state.slo = ns;
        this.redrawAll();
      },
    });
    this.why = new WhyPanel({
      point: (time, thread) => this.side(this.active)?.column.timeline.point(time, thread),
      zoomTo: (w) => this.setWindow(w),
    });
    this.share = new SharePanel({
      figure: (name) => this.figure(name),
      scenarioText: () => {
        const s = this.side(this.active);
        return s?.parsed.state === "ok" ? scenarioFileText(s.parsed.input) : s ? s.text : null;
      },
      metricsText: () => {
        const o = this.side(this.active)?.outcome;
        return o ? metricsJson(o.metrics) : null;
      },
      traceText: () => {
        const o = this.side(this.active)?.outcome;
        return o ? chromeTrace(o.trace, o.metrics) : null;
      },
      stem: () => {
        const s = this.side(this.active);
        return s?.parsed.state === "ok" ? s.parsed.scenario.name : "scenario";
      },
    });
    byId<HTMLInputElement>("compare").addEventListener("change", (e) =>
      this.compare((e.target as HTMLInputElement).checked),
    );
    byId("side-a").addEventListener("click", () => this.activate("a"));
    byId("side-b").addEventListener("click", () => this.activate("b"));
    byId("theme").addEventListener("click", () => this.setTheme(this.theme === "dark" ? "light" : "dark"));
    byId("cancel").addEventListener("click", () => this.runner.cancel());
    window.addEventListener("hashchange", () => {
      if (location.hash.slice(1) !== encodeState(this.current())) this.load(decodeState(location.hash));
    });
    let resize = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resize);
      resize = window.setTimeout(() => this.redrawAll(), 150);
    });
    this.applyTheme();
    this.load(this.state);
  }

  private side(name: SideName): Side | undefined {
    return this.sides.get(name);
  }

  /** Takes a whole state (at start, or from a pasted link). */
  private load(state: PageState): void {
    this.state = state;
    for (const s of this.sides.values()) s.column.root.remove();
    this.sides.clear();
    this.addSide("a", state.a);
    if (state.b !== null) this.addSide("b", state.b);
    byId<HTMLInputElement>("compare").checked = state.b !== null;
    this.layout();
    this.activate("a");
    this.controls.setSlo(state.slo);
  }

  private addSide(name: SideName, text: string): void {
    const column = new Column(
      this.template,
      { window: (w) => this.setWindow(w) },
      name === "a" ? "Configuration A" : "Configuration B",
      this.phases,
    );
    byId("columns").append(column.root);
    const side: Side = {
      name,
      text,
      parsed: parseText(text),
      column,
      outcome: null,
      ranText: null,
      index: null,
      knobs: null,
      latencies: [],
      sweep: [],
      sweepDone: false,
      drawnWindow: null,
    };
    this.sides.set(name, side);
    this.schedule(name);
  }

  /** One column or two; the figures take the new widths. */
  private layout(): void {
    const two = this.sides.has("b");
    const columns = byId("columns");
    const changed = columns.classList.contains("two") !== two;
    columns.classList.toggle("two", two);
    byId("sides").hidden = !two;
    byId("compare-sentence").hidden = !two;
    if (changed) for (const s of this.sides.values()) this.draw(s);
  }

  private compare(on: boolean): void {
    if (on && !this.sides.has("b")) {
      this.addSide("b", this.side("a")?.text ?? "");
      this.layout();
      this.activate("b");
    } else if (!on && this.sides.has("b")) {
      this.side("b")?.column.root.remove();
      this.sides.delete("b");
      this.layout();
      this.activate("a");
    }
    this.writeUrl();
  }

  private activate(name: SideName): void {
    if (!this.sides.has(name)) return;
    this.active = name;
    byId("side-a").setAttribute("aria-pressed", String(name === "a"));
    byId("side-b").setAttribute("aria-pressed", String(name === "b"));
    this.showControls();
    this.showActive();
  }

  private showControls(): void {
    const s = this.side(this.active);
    if (!s) return;
    const p = s.parsed;
    if (p.state === "ok")
      this.controls.show(readKnobs(p.scenario), s.text, presetOf(p.input) as PresetName | null, null);
    else this.controls.show(null, s.text, null, p.message);
  }

  private preset(name: PresetName): void {
    this.setText(this.active, prettyJson(getPreset(name)));
  }

  private knob(change: KnobChange): void {
    const s = this.side(this.active);
    if (s?.parsed.state !== "ok") return;
    const input = applyKnob(s.parsed.input, s.parsed.scenario, change);
    s.text = prettyJson(input);
    s.parsed = parseInput(input);
    this.schedule(s.name);
  }

  private setText(name: SideName, text: string): void {
    const s = this.side(name);
    if (!s) return;
    s.text = text;
    s.parsed = parseText(text);
    this.schedule(name);
  }

  private setWindow(w: [Nanos, Nanos] | null): void {
    this.state.window = w;
    this.writeUrl();
    for (const s of this.sides.values()) this.drawTimeline(s);
    this.showActive();
  }

  /**
   * The timelines' window: the reader's zoom, else the whole run; in compare mode the longer of
   * the two runs, so both timelines share one time axis.
   */
  private window(): [Nanos, Nanos] | null {
    if (this.state.window) return this.state.window;
    if (!this.sides.has("b")) return null;
    const end = Math.max(0, ...[...this.sides.values()].map((s) => s.outcome?.trace.end ?? 0));
    return end > 0 ? [0, end] : null;
  }

  private drawTimeline(s: Side): void {
    const w = this.window();
    if (!s.index) return;
    s.drawnWindow = w;
    s.column.timeline.render(s.index, w, THEMES[this.theme], this.freeThreaded(s));
  }

  private setTheme(theme: ThemeName): void {
    this.theme = theme;
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Not remembered; the page still switches.
    }
    this.applyTheme();
    this.redrawAll();
  }

  private applyTheme(): void {
    document.documentElement.dataset.theme = this.theme;
    byId("theme").textContent = this.theme === "dark" ? "Light theme" : "Dark theme";
  }

  private freeThreaded(s: Side): boolean {
    return s.knobs?.python.endsWith("t") === true && !s.knobs.gil;
  }

  /** Marks a side as changed; the next animation frame handles the latest change of each side. */
  private schedule(name: SideName): void {
    if (this.busy === 0 && this.pending.size === 0) {
      this.changedAt = performance.now();
      this.phases.reset();
    }
    // Counted once per side however often it changes before the frame: flush settles each once.
    if (!this.pending.has(name)) this.setBusy(+1);
    this.pending.add(name);
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
    if (name === this.active) this.showControls();
  }

  /**
   * Runs and draws each changed side's main views (readout, facts, timeline, latency, loop lag),
   * lets the browser paint them, and only then does what is out of sight or slow: the why panel
   * and the command, the URL (history.replaceState lays the page out, so it waits for the paint's
   * layout), and the sparkline's extra runs, which the figure says are pending meanwhile.
   */
  private async flush(): Promise<void> {
    this.frame = 0;
    const names = [...this.pending];
    this.pending.clear();
    const drawn: Side[] = [];
    try {
      for (const name of names) {
        const s = await this.process(name);
        if (s) drawn.push(s);
      }
      this.mainMs = performance.now() - this.changedAt;
      await afterPaint();
      this.paintMs = performance.now() - this.changedAt;
      for (const s of drawn) void this.runSweep(s);
      this.phases.time("why and command", () => this.showActive());
      this.phases.time("url", () => this.writeUrl());
    } finally {
      for (const _ of names) this.setBusy(-1);
    }
  }

  /** Runs a side's scenario if it changed and draws its main views; the side, or null if nothing was drawn. */
  private async process(name: SideName): Promise<Side | null> {
    const s = this.side(name);
    if (!s) return null;
    if (s.parsed.state === "invalid") {
      s.column.stale("This scenario has errors (see the controls); the figures show the last good one.");
      return null;
    }
    const { input, scenario } = s.parsed;
    const text = JSON.stringify(input);
    if (s.ranText !== text) {
      this.runner.stopSweep(name); // its points are of the old configuration, and would slow this run
      const big = this.runner.isBig(scenario);
      if (big) this.status(`Running ${scenario.name}: 0 of ${scenario.workload.arrivals.count} tasks`, 0);
      const started = performance.now();
      const result = await this.runner.run(input, scenario, (done, total) =>
        this.status(`Running ${scenario.name}: ${done} of ${total} tasks`, total > 0 ? done / total : 0),
      );
      this.status(null, 0);
      this.phases.add("run", performance.now() - started);
      if (s.parsed.state !== "ok" || JSON.stringify(s.parsed.input) !== text) return null; // changed meanwhile
      if (result.state === "cancelled") {
        s.column.stale("Run cancelled: the figures show the last finished run, not these knobs.");
        return null;
      }
      if (result.state === "failed") {
        s.column.stale(`The run failed: ${result.message}`);
        return null;
      }
      s.outcome = result.outcome;
      s.ranText = text;
      const outcome = result.outcome;
      s.index = this.phases.time("index", () => indexTrace(outcome.trace));
      s.knobs = readKnobs(scenario);
      const warmup = scenario.run.warmup;
      s.latencies = outcome.trace.tasks.filter((t) => t.arrival >= warmup).map((t) => t.end - t.arrival);
      // The sparkline starts with this run's own point; flush runs the other counts after the paint.
      const workers = s.knobs.workers;
      const sweeps = workers !== null && !this.runner.isBig(scenario);
      s.sweep = sweeps ? [{ workers, p99: outcome.metrics.latency.p99, throughput: outcome.metrics.throughput }] : [];
      s.sweepDone = !sweeps;
    }
    s.column.stale(null);
    this.draw(s, false);
    return s;
  }

  /** Draws a side's views; the why panel and the command too when `now` (flush shows them after the paint). */
  private draw(s: Side, now = true): void {
    if (!s.outcome || !s.index || !s.knobs || s.parsed.state !== "ok") return;
    const two = this.sides.has("b");
    const title = `${two ? `${s.name.toUpperCase()}: ` : ""}${s.parsed.scenario.name}`;
    s.column.show(
      {
        title,
        metrics: s.outcome.metrics,
        knobs: s.knobs,
        index: s.index,
        latencies: s.latencies,
        truncated: s.outcome.truncated,
        sweepCommand: this.runner.isBig(s.parsed.scenario)
          ? sweepCommand(s.knobs.executor, sweepWorkers(s.knobs.workers))
          : null,
        sweep: s.sweep,
        sweepTotal: sweepWorkers(s.knobs.workers).length,
      },
      this.state.slo,
      this.window(),
      THEMES[this.theme],
    );
    s.drawnWindow = this.window();
    // A longer run in the other column widens the shared time axis: redraw that timeline too.
    for (const other of this.sides.values()) {
      if (other !== s && other.index && JSON.stringify(other.drawnWindow) !== JSON.stringify(this.window()))
        this.drawTimeline(other);
    }
    if (s.name === this.active && now) this.showActive();
    this.sentence();
  }

  /** Runs the sparkline's other worker counts in the worker beside the page, drawing each as it comes. */
  private async runSweep(s: Side): Promise<void> {
    if (s.parsed.state !== "ok" || !s.knobs || s.sweepDone || this.sweeping.get(s.name) === s.sweep) return;
    const { input, scenario } = s.parsed;
    const current = s.knobs.workers;
    const points = s.sweep;
    if (current === null) return;
    const total = sweepWorkers(current).length;
    this.sweeping.set(s.name, points);
    this.setBusy(+1);
    try {
      const done = await this.runner.sweep(
        s.name,
        input,
        scenario,
        // Only the counts not in yet: a sweep stopped part-way (its run was cancelled or replaced)
        // resumes with the points it lacks when its configuration comes back.
        sweepWorkers(current).filter((w) => !points.some((p) => p.workers === w)),
        (p) => {
          if (s.sweep !== points) return; // a newer run replaced these points
          points.push(p);
          s.column.sweepPoints(points, total, this.state.slo, THEMES[this.theme]);
        },
      );
      if (done && s.sweep === points) s.sweepDone = true;
      // The last points may still wait for their animation frame: the page is ready once they are drawn.
      if (s.sweep === points) s.column.flushSweep();
    } finally {
      if (this.sweeping.get(s.name) === points) this.sweeping.delete(s.name);
      this.setBusy(-1);
    }
  }

  private showActive(): void {
    const s = this.side(this.active);
    if (s?.parsed.state !== "ok") return;
    this.share.command(cliCommand(s.parsed.input, s.parsed.scenario.seed));
    if (s.index) this.why.show(s.index, this.window(), s.parsed.scenario.runtime.switchInterval, this.freeThreaded(s));
  }

  private sentence(): void {
    const a = this.side("a");
    const b = this.side("b");
    const p = byId("compare-sentence");
    if (!a?.outcome || !b?.outcome || !a.knobs || !b.knobs) {
      p.textContent = "";
      return;
    }
    p.textContent = compareSentence(
      { knobs: a.knobs, metrics: a.outcome.metrics },
      { knobs: b.knobs, metrics: b.outcome.metrics },
    );
  }

  private redrawAll(): void {
    for (const s of this.sides.values()) this.draw(s);
    this.writeUrl();
  }

  private figure(name: FigureName): Figure | null {
    const s = this.side(this.active);
    if (!s?.outcome || !s.knobs || s.parsed.state !== "ok") return null;
    return reportFigure(name, {
      name: s.parsed.scenario.name,
      trace: s.outcome.trace,
      metrics: s.outcome.metrics,
      knobs: s.knobs,
      window: this.window() ?? [0, Math.max(1, s.outcome.trace.end)],
      latencies: s.latencies,
      sweep: s.sweep,
    });
  }

  /** The state as the page now has it (the texts of its configurations, not those it loaded). */
  private current(): PageState {
    return { ...this.state, a: this.side("a")?.text ?? this.state.a, b: this.side("b")?.text ?? null };
  }

  private writeUrl(): void {
    const hash = encodeState(this.current());
    if (location.hash.slice(1) !== hash) history.replaceState(null, "", `#${hash}`);
  }

  private status(text: string | null, fraction: number): void {
    const bar = byId("status");
    bar.hidden = text === null;
    byId("status-text").textContent = text ?? "";
    byId<HTMLProgressElement>("progress").value = fraction;
  }

  private setBusy(delta: number): void {
    this.busy += delta;
    const root = document.documentElement;
    if (this.busy > 0) {
      root.dataset.state = "busy";
      return;
    }
    const allMs = performance.now() - this.changedAt;
    root.dataset.state = "ready";
    root.dataset.updates = String(++this.updates);
    root.dataset.mainMs = this.mainMs.toFixed(1);
    root.dataset.paintMs = this.paintMs.toFixed(1);
    root.dataset.allMs = allMs.toFixed(1);
    const detail = { mainMs: this.mainMs, paintMs: this.paintMs, allMs, phases: this.phases.snapshot() };
    document.dispatchEvent(new CustomEvent("explore:ready", { detail }));
  }
}
