import { UsageError } from "../io/usage-error.js";

/*
 * `gilsim import otel`: an OTLP/JSON trace export (the OTLP/HTTP JSON body, or a file of them, one
 * per line, as the OpenTelemetry Collector's file exporter writes) as a gilsim recording, which
 * `gilsim fit` turns into a scenario.
 *
 * A SERVER span (kind 2) is a request: arriving and starting at its start, ending at its end, named
 * "METHOD route" from http.request.method and http.route (else the span's name). Its descendants
 * that wait on something else are IO: CLIENT (3) and PRODUCER (4) spans, and any span with a
 * database system (db.system.name, or db.system before the v1.26 conventions); overlapping ones
 * count once. The rest of the server span's time is its own: CPU, of which a share releases the
 * GIL (C code such as hashing or compression; default 0, all pure Python, the pessimistic choice
 * for a GIL). A trace says nothing of threads, the interpreter or the executor: give them to
 * `gilsim fit` (--executor, --python).
 */

/** Of the request's own (non-IO) time, the share that is C code releasing the GIL, by default. */
export const DEFAULT_RELEASE_SHARE = 0;

export interface OtelImportOptions {
  /** Share of a request's own time written as GIL-releasing C calls, 0..1. */
  releaseShare: number;
  /** The interpreter to write in the recording's header (null: unknown). */
  python: string | null;
}

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attributes: Map<string, unknown>;
}

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function attrValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return undefined;
  const o = v as Record<string, unknown>;
  return o.stringValue ?? o.intValue ?? o.doubleValue ?? o.boolValue;
}

function attributes(list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  for (const a of list) {
    if (a && typeof a === "object" && typeof (a as { key?: unknown }).key === "string") {
      out.set((a as { key: string }).key, attrValue((a as { value?: unknown }).value));
    }
  }
  return out;
}

function nanos(v: unknown, what: string): bigint {
  if (typeof v === "string" && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new Error(`${what} is ${JSON.stringify(v)} (expected nanoseconds since 1970 as a string of digits)`);
}

function parseSpan(raw: unknown, where: string): Span {
  if (!raw || typeof raw !== "object") throw new Error(`${where} is not an object`);
  const s = raw as Record<string, unknown>;
  if (typeof s.spanId !== "string" || s.spanId === "") throw new Error(`${where} has no spanId`);
  const kind = typeof s.kind === "number" ? s.kind : typeof s.kind === "string" ? KINDS[s.kind] : 0;
  if (kind === undefined) throw new Error(`${where}.kind is ${JSON.stringify(s.kind)} (expected 0-5 or SPAN_KIND_...)`);
  const start = nanos(s.startTimeUnixNano, `${where}.startTimeUnixNano`);
  const end = nanos(s.endTimeUnixNano, `${where}.endTimeUnixNano`);
  if (end < start) throw new Error(`${where} ends before it starts`);
  return {
    traceId: typeof s.traceId === "string" ? s.traceId : "",
    spanId: s.spanId,
    parentSpanId: typeof s.parentSpanId === "string" ? s.parentSpanId : "",
    name: typeof s.name === "string" ? s.name : "",
    kind,
    start,
    end,
    attributes: attributes(s.attributes),
  };
}

/** The spans of an OTLP/JSON export: one ExportTraceServiceRequest, or several as JSON lines. */
export function parseOtlpJson(text: string, file: string): Span[] {
  const docs: unknown[] = [];
  try {
    docs.push(JSON.parse(text));
  } catch {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === "") continue;
      try {
        docs.push(JSON.parse(line));
      } catch {
        throw new UsageError(`${file}:${i + 1}: not JSON (expected an OTLP/JSON trace export)`);
      }
    }
  }
  const spans: Span[] = [];
  docs.forEach((doc, d) => {
    const rs = (doc as { resourceSpans?: unknown } | null)?.resourceSpans;
    if (!Array.isArray(rs)) {
      throw new UsageError(
        `${file}: ${docs.length > 1 ? `line ${d + 1}: ` : ""}no resourceSpans (expected an OTLP/JSON trace export)`,
      );
    }
    rs.forEach((r, i) => {
      const scopes =
        (r as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null)?.scopeSpans ??
        (r as { instrumentationLibrarySpans?: unknown } | null)?.instrumentationLibrarySpans ??
        [];
      if (!Array.isArray(scopes)) throw new UsageError(`${file}: resourceSpans[${i}].scopeSpans is not a list`);
      scopes.forEach((sc, j) => {
        const list = (sc as { spans?: unknown } | null)?.spans ?? [];
        if (!Array.isArray(list))
          throw new UsageError(`${file}: resourceSpans[${i}].scopeSpans[${j}].spans is not a list`);
        list.forEach((raw, k) => {
          try {
            spans.push(parseSpan(raw, `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`));
          } catch (error) {
            throw new UsageError(`${file}: ${(error as Error).message}`);
          }
        });
      });
    });
  });
  return spans;
}

function isIo(s: Span): boolean {
  return s.kind === 3 || s.kind === 4 || s.attributes.has("db.system.name") || s.attributes.has("db.system");
}

function ioLabel(s: Span): string {
  const db = s.attributes.get("db.system.name") ?? s.attributes.get("db.system");
  if (db !== undefined) return `db:${String(db)}`;
  return s.kind === 4 ? "produce" : "client";
}

function requestName(s: Span): string {
  const method = s.attributes.get("http.request.method") ?? s.attributes.get("http.method");
  const route = s.attributes.get("http.route");
  return method !== undefined && route !== undefined ? `${String(method)} ${String(route)}` : s.name || "request";
}

/**
 * Converts the spans of an OTLP/JSON export into the lines of a gilsim recording (source "otel"):
 * a header, one task per SERVER span, in order of start, and a footer.
 */
export function otelToRecording(spans: readonly Span[], options: OtelImportOptions, file: string): string[] {
  if (!(options.releaseShare >= 0 && options.releaseShare <= 1)) {
    throw new UsageError(`invalid --release-share: ${options.releaseShare} (expected a number from 0 to 1)`);
  }
  const servers = spans
    .filter((s) => s.kind === 2)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (servers.length === 0) throw new UsageError(`${file}: no SERVER spans (kind 2): nothing to take as requests`);
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    const key = `${s.traceId}/${s.parentSpanId}`;
    const list = children.get(key);
    if (list) list.push(s);
    else children.set(key, [s]);
  }
  const t0 = servers[0]?.start as bigint;
  const rel = (t: bigint): number => Number(t - t0);
  const lines: string[] = [
    JSON.stringify({
      gilsim: "recording",
      format: 1,
      pid: 0,
      python: options.python,
      cpus: null,
      argv: [file],
      t0_unix: Number(t0),
      source: "otel",
    }),
  ];
  servers.forEach((server, id) => {
    // IO: the server span's descendants that wait on another service (not nested server spans).
    const io: [number, number, string][] = [];
    const stack = [...(children.get(`${server.traceId}/${server.spanId}`) ?? [])];
    while (stack.length > 0) {
      const s = stack.pop() as Span;
      if (s.kind === 2) continue;
      if (isIo(s)) {
        const a = Math.max(rel(s.start), rel(server.start));
        const b = Math.min(rel(s.end), rel(server.end));
        if (b > a) io.push([a, b, ioLabel(s)]);
        continue; // what an IO span's own children do happens elsewhere
      }
      stack.push(...(children.get(`${s.traceId}/${s.spanId}`) ?? []));
    }
    io.sort((x, y) => x[0] - y[0]);
    const merged: [number, number, string][] = [];
    for (const iv of io) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([...iv]);
    }
    const start = rel(server.start);
    const end = rel(server.end);
    const segs: unknown[] = [];
    let cursor = start;
    let cpu = 0;
    const gap = (to: number): void => {
      const g = to - cursor;
      if (g <= 0) return;
      const released = Math.round(g * options.releaseShare);
      if (released > 0) segs.push(["r", "native", cursor - start, released, released, 1, cpu, 0]);
      cpu += g;
      cursor = to;
    };
    for (const [a, b, label] of merged) {
      gap(a);
      segs.push(["w", label, a - start, b - a, 0, 1, cpu, 0]);
      cursor = Math.max(cursor, b);
    }
    gap(end);
    const task: Record<string, unknown> = {
      task: id + 1,
      pid: 0,
      name: requestName(server),
      arrival: start,
      start,
      end,
      thread: "otel",
      exec: { kind: "unknown" },
      cpu,
      sub: null,
      segs,
    };
    lines.push(JSON.stringify(task));
  });
  let last = t0;
  for (const s of servers) if (s.end > last) last = s.end;
  lines.push(JSON.stringify({ recorded: servers.length, pid: 0, dropped: 0, end: rel(last) }));
  return lines;
}
