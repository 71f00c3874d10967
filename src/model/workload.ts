import type { Nanos } from "../engine/time.js";
import type { TaskPlanner } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { TaskRun } from "./task.js";

/**
 * How a task reaches its executor, as the real harness delivers it:
 * - socket: an open arrival, written on a pipe by another process (a request on a socket);
 * - timer: a closed-loop client's next request after its think time (the harness's main thread
 *   waits for it with a timeout);
 * - inline: a closed-loop client's next request right after its last one ended, with no think time.
 */
export type ArrivalVia = "socket" | "timer" | "inline";

/** Where arriving tasks go: an executor's front door. */
export interface Intake {
  /** Tasks present at time 0 (a batch): handed over before anything runs. */
  initial(tasks: TaskRun[]): void;
  /** A task arriving now. */
  arrive(task: TaskRun, via: ArrivalVia): void;
  /**
   * A closed-loop client will issue its next request at `when` (after its think time); an intake
   * that waits for it itself (an event loop's client coroutine sleeps on a loop timer) says so,
   * and then gets the task through `arrive(task, "timer")` at that time.
   */
  expect?(client: number, when: Nanos): void;
}

/**
 * Draws tasks from the planner and delivers them when they arrive: all at 0 for a batch, one
 * scheduled event at a time for open arrivals (so memory stays flat), and for a closed
 * population each client issues its next task a think time after its previous one ends.
 */
export class ArrivalSource {
  private issued = 0;
  private readonly total: number;
  exhausted = false;

  constructor(
    private readonly rt: Runtime,
    private readonly planner: TaskPlanner,
    private readonly intakes: Intake[],
  ) {
    this.total = planner.count;
  }

  /**
   * How many tasks intake `i` receives in all. Open and batch arrivals are dealt round-robin; a
   * closed client stays with one intake, so how many reach each is known only once all are issued
   * (until then: unbounded).
   */
  expectedFor(i: number): number {
    const n = this.intakes.length;
    if (n > 1 && this.rt.world.scenario.workload.arrivals.kind === "closed")
      return this.exhausted ? (this.assignedTo[i] ?? 0) : Number.POSITIVE_INFINITY;
    return Math.floor(this.total / n) + (i < this.total % n ? 1 : 0);
  }

  /** Closed arrivals: tasks issued to each intake so far, counted when issued (before any think time). */
  private readonly assignedTo: number[] = [];

  start(): void {
    const arrivals = this.rt.world.scenario.workload.arrivals;
    if (arrivals.kind === "batch") {
      const per: TaskRun[][] = this.intakes.map(() => []);
      for (let plan = this.planner.next(); plan; plan = this.planner.next()) {
        const task = this.make(plan, 0, -1);
        per[this.issued++ % this.intakes.length]?.push(task);
      }
      this.exhausted = true;
      per.forEach((tasks, i) => {
        this.intakes[i]?.initial(tasks);
      });
    } else if (arrivals.kind === "closed") {
      for (let c = 0; c < Math.min(arrivals.clients, this.total); c++) this.issueFor(c, false);
    } else {
      this.scheduleNextOpen();
    }
  }

  /** A task ended: a closed-population client thinks, then issues its next one. */
  completed(task: TaskRun): void {
    if (task.client >= 0) this.issueFor(task.client, true);
  }

  private make(plan: NonNullable<ReturnType<TaskPlanner["next"]>>, arrival: Nanos, client: number): TaskRun {
    this.rt.recorder.taskArrived(arrival);
    return new TaskRun(plan, arrival, this.rt.recorder.trace, client);
  }

  private deliver(task: TaskRun, via: ArrivalVia): void {
    const n = this.intakes.length;
    const intake = this.intakes[(task.client >= 0 ? task.client : this.issued) % n] as Intake;
    this.issued++;
    intake.arrive(task, via);
  }

  private scheduleNextOpen(): void {
    const plan = this.planner.next();
    if (!plan) {
      this.exhausted = true;
      return;
    }
    const at = plan.arrival ?? 0;
    this.rt.later(Math.max(0, at - this.rt.now), () => {
      const task = this.make(plan, this.rt.now, -1);
      if (this.planner.count === plan.id + 1) this.exhausted = true;
      this.deliver(task, "socket");
      if (!this.exhausted) this.scheduleNextOpen();
    });
  }

  private issueFor(client: number, afterTask: boolean): void {
    const plan = this.planner.next();
    if (!plan) {
      this.exhausted = true;
      return;
    }
    const i = client % this.intakes.length;
    this.assignedTo[i] = (this.assignedTo[i] ?? 0) + 1;
    if (plan.id + 1 === this.total) this.exhausted = true;
    // With no think time the client issues its next request at once, as a loop calling the next
    // request does: a thread that ran the last one finds the next waiting and keeps the GIL.
    if (plan.think === 0 && afterTask) {
      this.deliver(this.make(plan, this.rt.now, client), "inline");
      return;
    }
    const intake = this.intakes[i] as Intake;
    intake.expect?.(client, this.rt.now + plan.think);
    this.rt.later(plan.think, () => this.deliver(this.make(plan, this.rt.now, client), "timer"));
  }
}
