/**
 * What the page lets a reader take away: each figure as a report-grade standalone SVG (drawn by
 * the same chart functions as the notebooks, src/charts, in the page's DOM) or a PNG at 2x, the
 * scenario JSON, the metrics JSON (byte for byte what `gilsim simulate --json` prints), and the
 * Chrome trace.
 */
import { ecdfChart } from "../charts/ecdf.js";
import type { ExecutorKind } from "../charts/palette.js";
import { queueChart } from "../charts/queue.js";
import { scalingChart } from "../charts/scaling.js";
import { timelineChart } from "../charts/timeline.js";
import type { Figure } from "../charts/types.js";
import { stableJson } from "../cli/stable-json.js";
import type { Nanos } from "../engine/time.js";
import { METRIC_UNITS, metricsForJson } from "../metrics/json.js";
import type { Metrics } from "../metrics/types.js";
import { chromeTraceJson } from "../trace/chrome.js";
import type { Trace } from "../trace/types.js";
import type { Knobs } from "./knobs.js";

export const FIGURES = ["timeline", "latency", "lag", "workers"] as const;
export type FigureName = (typeof FIGURES)[number];

export const FIGURE_LABELS: Readonly<Record<FigureName, string>> = {
  timeline: "thread timeline",
  latency: "latency distribution",
  lag: "queue and loop lag",
  workers: "p99 against workers",
};

export interface ExportData {
  name: string;
  trace: Trace;
  metrics: Metrics;
  knobs: Knobs;
  window: [Nanos, Nanos];
  /** Measured task latencies, ns. */
  latencies: readonly Nanos[];
  sweep: readonly { workers: number; p99: Nanos; throughput: number }[];
}

function executorKind(k: Knobs): ExecutorKind {
  if (k.executor === "sync") return "sync";
  if (k.executor === "asyncio") return "asyncio";
  if (k.executor === "processes" || k.executor === "asyncio-processes") return "processes";
  return k.gil ? "threads-gil" : "threads-nogil";
}

/** The report figure, or null when the run has nothing to draw for it. */
export function reportFigure(name: FigureName, d: ExportData): Figure | null {
  switch (name) {
    case "timeline":
      return timelineChart(d.trace, { window: d.window });
    case "latency": {
      if (d.latencies.length === 0) return null;
      const sorted = [...d.latencies].sort((a, b) => a - b);
      const wide = (sorted[0] as number) > 0 && (sorted.at(-1) as number) / (sorted[0] as number) > 100;
      return ecdfChart(
        { label: d.name, values: sorted },
        {
          title: `Latency: ${d.name}`,
          subtitle: `seed ${d.metrics.seed}, ${d.latencies.length} measured tasks`,
          scale: wide ? "log" : "linear",
        },
      );
    }
    case "lag": {
      if (d.metrics.queue.length === 0) return null;
      const lag = d.metrics.loops.flatMap((l) => l.lagSeries.map((p) => ({ ...p, process: l.process })));
      return queueChart({ queue: d.metrics.queue, lag }, { subtitle: `${d.name}, seed ${d.metrics.seed}` });
    }
    case "workers": {
      if (d.sweep.length === 0) return null;
      const executor = executorKind(d.knobs);
      return scalingChart(
        d.sweep.map((p) => ({ executor, x: p.workers, throughput: p.throughput, latency: p.p99 })),
        {
          x: { quantity: "pool size", unit: "workers", scale: "log" },
          throughput: { quantity: "throughput", unit: "tasks/s" },
          latency: { quantity: "p99 latency" },
          subtitle: `${d.name}, seed ${d.metrics.seed}`,
        },
      );
    }
  }
}

/** The metrics as `gilsim simulate --json` prints them (with their units, without the time series). */
export function metricsJson(metrics: Metrics): string {
  return stableJson({ units: METRIC_UNITS, ...metricsForJson(metrics) });
}

/** The Chrome trace `gilsim trace` writes: the run's trace, with the loops' lag as counters. */
export function chromeTrace(trace: Trace, metrics: Metrics): string {
  return chromeTraceJson(trace, { loops: metrics.loops });
}

/** A PNG of an SVG figure at `scale` times its size, drawn by the browser. */
export async function pngOf(figure: Figure, scale = 2): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(figure.svg)}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(figure.width * scale);
  canvas.height = Math.round(figure.height * scale);
  const g = canvas.getContext("2d");
  if (!g) throw new Error("this browser cannot draw a PNG (no 2D canvas)");
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the PNG could not be made"))), "image/png"),
  );
}

/** Saves `data` as a file named `name` (an <a download> on a blob: URL; nothing leaves the page). */
export function download(name: string, data: Blob | string, type = "application/json"): void {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
