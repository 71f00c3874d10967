import type { Nanos } from "../engine/time.js";
import { PeakSeries } from "../metrics/peak-series.js";
import { LatencySketch } from "../metrics/sketch.js";
import type { QueuePoint } from "../metrics/types.js";
import type { TraceSink } from "../trace/sink.js";
import type {
  GilHold,
  LoopIteration,
  Marker,
  StateInterval,
  StepRecord,
  SwitchReason,
  TaskRecord,
  ThreadInfo,
  ThreadState,
} from "../trace/types.js";

/** How many finished tasks apart a run reports its progress. */
export const PROGRESS_EVERY = 4096;

const STATE_INDEX: Record<ThreadState, number> = { gil: 0, nogil: 1, "wait-gil": 2, "wait-core": 3, io: 4, idle: 5 };

/**
 * Everything a run observes. Metrics are always kept, in bounded memory (state totals, latency
 * sketches, a bounded queue series); the trace is kept only when recording is on, and turning it
 * off changes no metric.
 */
export class Recorder {
  readonly threads: ThreadInfo[] = [];
  /** Per thread, ns in each state inside the measured window (6 slots a thread). */
  stateTotals = new Float64Array(0);
  readonly intervals: StateInterval[] = [];
  readonly gil: GilHold[] = [];
  readonly markers: Marker[] = [];
  readonly tasks: TaskRecord[] = [];
  readonly iterations: LoopIteration[] = [];
  readonly latency = new LatencySketch();
  readonly wait = new LatencySketch();
  readonly lag = new Map<number, LatencySketch>();
  readonly iterationCount = new Map<number, number>();
  readonly queue = new PeakSeries(["waiting", "running"] as const);
  /** Per process with a loop: the worst loop lag in each time bucket. */
  readonly lagSeries = new Map<number, PeakSeries<"lag">>();
  arrived = 0;
  completed = 0;
  measured = 0;
  lastEnd = 0;
  /** ∫ (tasks in system) dt over the measured window. */
  private inSystemArea = 0;
  private inSystem = 0;
  private waiting = 0;
  private areaSince = 0;
  measuredArrivals = 0;
  /** Told the count of finished tasks every PROGRESS_EVERY of them (see simulate). */
  progress: ((completed: number) => void) | null = null;

  constructor(
    readonly trace: boolean,
    readonly warmup: Nanos,
    /** Where trace records go instead of the arrays above (streamed to disk). */
    private readonly sink: TraceSink | null = null,
  ) {
    this.areaSince = warmup;
  }

  thread(t: ThreadInfo): void {
    const info = { id: t.id, name: t.name, process: t.process, role: t.role };
    this.threads.push(info);
    this.sink?.thread(info);
    if (this.stateTotals.length < this.threads.length * 6) {
      const grown = new Float64Array(Math.max(64, this.stateTotals.length * 2, this.threads.length * 6));
      grown.set(this.stateTotals);
      this.stateTotals = grown;
    }
  }

  state(t: { id: number }, state: ThreadState, start: Nanos, end: Nanos): void {
    if (end <= start) return;
    const from = Math.max(start, this.warmup);
    if (end > from) {
      const k = t.id * 6 + STATE_INDEX[state];
      this.stateTotals[k] = (this.stateTotals[k] as number) + (end - from);
    }
    if (!this.trace) return;
    if (this.sink) this.sink.interval(t.id, state, start, end);
    else this.intervals.push({ thread: t.id, state, start, end });
  }

  /** A hold of a GIL, kept even when it took no time: it still hands the GIL from one thread to another. */
  gilHold(process: number, thread: number, start: Nanos, end: Nanos, reason: SwitchReason): void {
    if (!this.trace) return;
    const hold = { process, thread, start, end, reason };
    if (this.sink) this.sink.gilHold(hold);
    else this.gil.push(hold);
  }

  marker(time: Nanos, thread: number, process: number, kind: Marker["kind"]): void {
    if (!this.trace) return;
    const m = { time, thread, process, kind };
    if (this.sink) this.sink.marker(m);
    else this.markers.push(m);
  }

  private integrate(now: Nanos): void {
    if (now > this.areaSince) {
      this.inSystemArea += this.inSystem * (now - this.areaSince);
      this.areaSince = now;
    }
  }

  /**
   * One point of the queue series. PeakSeries copies the values it keeps, so one object is
   * reused for every point instead of one allocated per task event.
   */
  private recordQueue(now: Nanos): void {
    const v = this.queueValues;
    v.waiting = this.waiting;
    v.running = this.inSystem - this.waiting;
    this.queue.record(now, v);
  }
  private readonly queueValues = { waiting: 0, running: 0 };

  taskArrived(now: Nanos): void {
    this.integrate(now);
    this.arrived++;
    this.inSystem++;
    this.waiting++;
    if (now >= this.warmup) this.measuredArrivals++;
    this.recordQueue(now);
  }

  taskStarted(now: Nanos): void {
    this.waiting--;
    this.recordQueue(now);
  }

  taskEnded(now: Nanos, id: number, cls: string, arrival: Nanos, start: Nanos, steps: StepRecord[] | null): void {
    this.integrate(now);
    this.inSystem--;
    this.completed++;
    if (this.progress !== null && this.completed % PROGRESS_EVERY === 0) this.progress(this.completed);
    this.lastEnd = Math.max(this.lastEnd, now);
    this.recordQueue(now);
    if (arrival >= this.warmup) {
      this.measured++;
      this.latency.record(now - arrival);
      this.wait.record(start - arrival);
    }
    if (!this.trace) return;
    const task = { id, class: cls, arrival, start, end: now, steps: steps ?? [] };
    if (this.sink) this.sink.task(task);
    else this.tasks.push(task);
  }

  loopIteration(process: number, thread: number, start: Nanos, end: Nanos, callbacks: number): void {
    this.iterationCount.set(process, (this.iterationCount.get(process) ?? 0) + 1);
    if (!this.trace) return;
    const it = { process, thread, start, end, callbacks };
    if (this.sink) this.sink.iteration(it);
    else this.iterations.push(it);
  }

  loopLag(process: number, readyAt: Nanos, ranAt: Nanos): void {
    if (readyAt < this.warmup) return;
    if (process !== this.lagProcess) {
      // A loop runs many callbacks in a row: its sketch and series are looked up once per switch of process.
      let s = this.lag.get(process);
      if (!s) {
        s = new LatencySketch();
        this.lag.set(process, s);
      }
      let series = this.lagSeries.get(process);
      if (!series) {
        series = new PeakSeries(["lag"] as const);
        this.lagSeries.set(process, series);
      }
      this.lagProcess = process;
      this.lagSketch = s;
      this.lagPeaks = series;
    }
    const lag = ranAt - readyAt;
    (this.lagSketch as LatencySketch).record(lag);
    this.lagValues.lag = lag;
    (this.lagPeaks as PeakSeries<"lag">).record(ranAt, this.lagValues);
  }
  private lagProcess = -1;
  private lagSketch: LatencySketch | null = null;
  private lagPeaks: PeakSeries<"lag"> | null = null;
  /** Reused for every lag point (PeakSeries copies what it keeps). */
  private readonly lagValues = { lag: 0 };

  /** ∫ N(t) dt over [warmup, now]. */
  areaUntil(now: Nanos): number {
    this.integrate(now);
    return this.inSystemArea;
  }

  queuePoints(): QueuePoint[] {
    return this.queue.points();
  }
}
