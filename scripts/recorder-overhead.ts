/*
 * The recorder's overhead on the demo service (examples/app/app.py, a thread pool of 4).
 *
 * CPU: the service runs twice at once, one copy under `gilsim record` and one without, and a
 * closed loop sends the demo traffic's requests one at a time to each copy in turn (the order
 * swapped every request). Both copies see the same host at the same moments, so a drift of the
 * host's speed, which on a shared VM moves the CPU per request by 20% between runs minutes apart,
 * cancels out. The server CPU per request of each copy is read from /proc.
 * Two copies started together still differ by a point or two from one start to the next (where
 * the OS placed their threads), so the measurement is repeated over several sessions, each with
 * both copies started afresh (in alternating order), and the overhead is the mean of the
 * sessions' ratios, with a 95% interval over sessions.
 *
 * Latency (with --pairs N): N pairs of open-loop runs at --rate, one recorded and one not, one
 * after the other in alternating order, compared at the client's p50 and p95. Runs minutes apart
 * differ by more than the recorder costs, so read these with their spread.
 *
 *   tsx scripts/recorder-overhead.ts [--sessions 8] [--requests 2016] [--pairs 0] [--rate 200] [--python python3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AppConfig,
  demoTraffic,
  type MeasuredRun,
  measureConfig,
  processCpu,
  type Service,
  startService,
} from "../notebooks/lib/app-bench.js";
import { exchange } from "../src/load/http.js";
import { estimate } from "../src/metrics/replicate.js";

const NAMES = ["sessions", "requests", "pairs", "rate", "python"];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const name = (args[i] as string).replace(/^--/, "");
  if (!NAMES.includes(name) || args[i + 1] === undefined) {
    process.stderr.write(
      `recorder-overhead: unknown or incomplete option ${args[i]} (expected --${NAMES.join(", --")} with a value)\n`,
    );
    process.exit(2);
  }
}
function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : dflt;
}
function count(name: string, dflt: number, min = 1): number {
  const v = Number(opt(name, String(dflt)));
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(
      `recorder-overhead: invalid --${name}: ${opt(name, "")} (expected an integer of at least ${min})\n`,
    );
    process.exit(2);
  }
  return v;
}
const sessions = count("sessions", 8, 2);
const perSession = count("requests", 2016);
const pairs = count("pairs", 0, 0);
const python = opt("python", "python3");
const config: AppConfig = { id: "overhead", mode: "threads", workers: 4, rate: count("rate", 200) };

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

/**
 * The demo traffic's requests in its mix, spread evenly: each kind as often as its weight says in a
 * cycle of 48 (36 orders and 12 reports, one for each region), by smallest weighted count first.
 */
function requests(): { head: string; body: Uint8Array | null }[] {
  const kinds = demoTraffic();
  const total = kinds.reduce((a, k) => a + (k.weight ?? 1), 0);
  const made = kinds.map(() => 0);
  const out: { head: string; body: Uint8Array | null }[] = [];
  for (let i = 0; i < 48; i++) {
    // The kind furthest behind its share so far goes next.
    let pick = 0;
    kinds.forEach((k, j) => {
      const lag = (k.weight ?? 1) / total - (made[j] as number) / (i + 1);
      const best = (kinds[pick]?.weight ?? 1) / total - (made[pick] as number) / (i + 1);
      if (lag > best) pick = j;
    });
    made[pick] = (made[pick] as number) + 1;
    const k = kinds[pick] as (typeof kinds)[number];
    const body = k.body === undefined ? null : typeof k.body === "string" ? Buffer.from(k.body) : k.body;
    const length = body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : "";
    out.push({ head: `${k.method} ${k.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${length}Connection: close\r\n\r\n`, body });
  }
  return out;
}

async function send(port: number, r: { head: string; body: Uint8Array | null }): Promise<void> {
  const x = await exchange("127.0.0.1", port, () => r.head, r.body, 10_000);
  if (x.status < 200 || x.status >= 300) throw new Error(`the demo service answered ${x.status || x.error}`);
}

const folder = mkdtempSync(join(tmpdir(), "gilsim-overhead-"));
try {
  const mix = requests();
  const ratios: number[] = [];
  for (let k = 0; k < sessions; k++) {
    const start = (record: boolean) =>
      startService(config, python, record ? join(folder, `session-${k + 1}.jsonl`) : undefined);
    let off: Service | null = null;
    let on: Service | null = null;
    let usOff = 0;
    let usOn = 0;
    try {
      if (k % 2 === 0) off = await start(false);
      on = await start(true);
      off ??= await start(false);
      for (let i = 0; i < 300; i++) {
        await send(off.port, mix[i % mix.length] as (typeof mix)[number]);
        await send(on.port, mix[i % mix.length] as (typeof mix)[number]);
      }
      const cpuOff = processCpu(off.child.pid as number);
      const cpuOn = processCpu(on.child.pid as number);
      for (let i = 0; i < perSession; i++) {
        const r = mix[i % mix.length] as (typeof mix)[number];
        const [first, second] = i % 2 === 0 ? [off, on] : [on, off];
        await send(first.port, r);
        await send(second.port, r);
      }
      usOff = (processCpu(off.child.pid as number) - cpuOff) / perSession / 1000;
      usOn = (processCpu(on.child.pid as number) - cpuOn) / perSession / 1000;
    } finally {
      await Promise.all([off?.stop(), on?.stop()]);
    }
    ratios.push(usOn / usOff - 1);
    process.stdout.write(
      `session ${k + 1}/${sessions}: server CPU ${usOff.toFixed(0)} us a request without the recorder, ${usOn.toFixed(0)} with it (${pct(usOn / usOff - 1)})\n`,
    );
  }
  const { lo, hi } = estimate(ratios, 0.95);
  process.stdout.write(
    `recorder overhead, server CPU per request (${sessions} sessions of ${perSession} requests, one at a time, to both copies in turn): ${pct(mean(ratios))} (95% interval ${pct(lo)} to ${pct(hi)}; sessions ${pct(Math.min(...ratios))} to ${pct(Math.max(...ratios))})\n`,
  );

  if (pairs > 0) {
    const quantile = (xs: readonly number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.floor((s.length - 1) * p)] as number;
    };
    const latency = (m: MeasuredRun, p: number) =>
      quantile(
        m.samples.map((s) => s.latency),
        p,
      ) / 1e6;
    const p50: number[] = [];
    const p95: number[] = [];
    for (let k = 0; k < pairs; k++) {
      const run = (record: boolean) => {
        process.stderr.write(`latency pair ${k + 1}/${pairs}: ${record ? "recorded" : "not recorded"}…\n`);
        return measureConfig(config, {
          python,
          count: 1000,
          warmup: 200,
          seed: k + 1,
          recordTo: record ? join(folder, `pair-${k + 1}.jsonl`) : undefined,
        });
      };
      const first = await run(k % 2 === 1);
      const second = await run(k % 2 === 0);
      const [withIt, without] = k % 2 === 1 ? [first, second] : [second, first];
      p50.push(latency(withIt, 0.5) / latency(without, 0.5) - 1);
      p95.push(latency(withIt, 0.95) / latency(without, 0.95) - 1);
      process.stdout.write(
        `latency pair ${k + 1}: client p50 ${latency(without, 0.5).toFixed(2)} -> ${latency(withIt, 0.5).toFixed(2)} ms, p95 ${latency(without, 0.95).toFixed(2)} -> ${latency(withIt, 0.95).toFixed(2)} ms\n`,
      );
    }
    process.stdout.write(
      `client latency at ${config.rate}/s over ${pairs} pairs: p50 ${pct(mean(p50))} on average (pairs ${pct(Math.min(...p50))} to ${pct(Math.max(...p50))}), p95 ${pct(mean(p95))} (pairs ${pct(Math.min(...p95))} to ${pct(Math.max(...p95))})\n`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
