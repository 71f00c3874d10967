import { performance } from "node:perf_hooks";
import type { Nanos } from "../engine/time.js";
import { exchange, localTarget } from "./http.js";
import { poissonSchedule } from "./schedule.js";

/*
 * A bounded, open-loop load generator for a service on this machine: requests leave on a seeded
 * Poisson schedule whether or not earlier ones have answered (so a slow server meets the same
 * traffic, as it would in production), each on a new connection, each stamped with
 * X-Request-Start (t=<Unix time in microseconds> when it is written) so a recorder in the server
 * can see when it really arrived. Every latency is kept: the full distribution, not a summary.
 */

/** A kind of request to send. */
export interface RequestKind {
  /** Label of the kind in results ("POST /orders"). */
  name: string;
  method: string;
  /** Path and query: "/report?region=3". */
  path: string;
  body?: Uint8Array | string;
  /** Share of the traffic (default 1). */
  weight?: number;
}

export interface LoadOptions {
  /** http://127.0.0.1:PORT (only this machine's addresses are accepted). */
  url: string;
  kinds: readonly RequestKind[];
  /** Requests per second. */
  rate: number;
  /** Requests to send (at most 1,000,000). */
  count: number;
  seed: number;
  /** Requests in flight at most; one due beyond it is not sent and counts as skipped (default 1,000). */
  maxOutstanding?: number;
  /** A request with no answer after this long fails (default 30 s). */
  timeoutMs?: number;
  /** Called after each answer with the numbers done and planned. */
  onProgress?: (done: number, total: number) => void;
}

/** One request as it went. Times in nanoseconds from the start of the run. */
export interface Sample {
  kind: number;
  /** When it was written (the latency's origin). */
  at: Nanos;
  /** How much later than its planned time it left (timer granularity, a busy generator). */
  late: Nanos;
  /** From the connect call to the server closing the connection; -1 when not answered. */
  latency: Nanos;
  /** HTTP status; 0 when there was none. */
  status: number;
  error?: string;
}

export interface LoadResult {
  url: string;
  rate: number;
  count: number;
  seed: number;
  kinds: string[];
  /** Wall-clock start (ISO 8601). */
  started: string;
  /** From the first send to the last answer, ns. */
  duration: Nanos;
  /** Due requests not sent because maxOutstanding were in flight. */
  skipped: number;
  samples: Sample[];
}

const MAX_COUNT = 1_000_000;

function requestHead(kind: RequestKind, host: string, port: number, body: Uint8Array | null): string {
  const stamp = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const lines = [
    `${kind.method} ${kind.path} HTTP/1.1`,
    `Host: ${host.includes(":") ? `[${host}]` : host}:${port}`,
    "Connection: close",
    `X-Request-Start: t=${stamp}`,
  ];
  if (body) lines.push("Content-Type: application/json", `Content-Length: ${body.length}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Sends the traffic and resolves when every request has answered, failed or timed out. */
export function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const { host, port } = localTarget(options.url);
  if (options.count > MAX_COUNT) {
    throw new RangeError(`invalid count: ${options.count} (expected at most ${MAX_COUNT} requests)`);
  }
  if (options.kinds.length === 0) throw new RangeError("invalid kinds: [] (expected at least one request kind)");
  const maxOutstanding = options.maxOutstanding ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const plan = poissonSchedule(
    options.rate,
    options.count,
    options.kinds.map((k) => k.weight ?? 1),
    options.seed,
  );
  const bodies = options.kinds.map((k) =>
    k.body === undefined ? null : typeof k.body === "string" ? Buffer.from(k.body) : k.body,
  );
  const samples: Sample[] = [];
  const started = new Date().toISOString();
  const t0 = process.hrtime.bigint();
  const elapsed = (): Nanos => Number(process.hrtime.bigint() - t0);
  let outstanding = 0;
  let answered = 0;
  let skipped = 0;
  let next = 0;

  return new Promise((resolve) => {
    const maybeDone = (): void => {
      if (next < plan.length || outstanding > 0) return;
      samples.sort((a, b) => a.at - b.at);
      resolve({
        url: options.url,
        rate: options.rate,
        count: options.count,
        seed: options.seed,
        kinds: options.kinds.map((k) => k.name),
        started,
        duration: elapsed(),
        skipped,
        samples,
      });
    };
    const fire = (index: number): void => {
      const p = plan[index] as (typeof plan)[number];
      const at = elapsed();
      if (outstanding >= maxOutstanding) {
        skipped++;
        return;
      }
      outstanding++;
      const kind = options.kinds[p.kind] as RequestKind;
      const body = bodies[p.kind] ?? null;
      exchange(host, port, () => requestHead(kind, host, port, body), body, timeoutMs).then((x) => {
        const latency = x.status > 0 ? elapsed() - at : -1;
        const sample: Sample = { kind: p.kind, at, late: at - p.at, latency, status: x.status };
        if (x.error !== undefined) sample.error = x.error;
        samples.push(sample);
        outstanding--;
        answered++;
        options.onProgress?.(answered, plan.length);
        maybeDone();
      });
    };
    const tick = (): void => {
      const now = elapsed();
      while (next < plan.length && (plan[next] as (typeof plan)[number]).at <= now) fire(next++);
      if (next < plan.length) {
        const wait = ((plan[next] as (typeof plan)[number]).at - elapsed()) / 1e6;
        setTimeout(tick, Math.max(0, wait));
      } else maybeDone();
    };
    tick();
  });
}
