import type { Nanos } from "../engine/time.js";
import type { TaskPlanner } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { TaskRun } from "./task.js";

/** Where arriving tasks go: an executor's front door. */
export interface Intake {
  /** Tasks present at time 0 (a batch): handed over before anything runs. */
  initial(tasks: TaskRun[]): void;
  /** A task arriving now. */
  arrive(task: TaskRun): void;
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

  /** How many tasks intake `i` receives in all (tasks are dealt round-robin). */
  expectedFor(i: number): number {
    const n = this.intakes.length;
    return Math.floor(this.total / n) + (i < this.total % n ? 1 : 0);
  }

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

  private deliver(task: TaskRun): void {
    const intake = this.intakes[this.issued++ % this.intakes.length] as Intake;
    intake.arrive(task);
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
      this.deliver(task);
      if (!this.exhausted) this.scheduleNextOpen();
    });
  }

  private issueFor(client: number, afterTask: boolean): void {
    const plan = this.planner.next();
    if (!plan) {
      this.exhausted = true;
      return;
    }
    if (plan.id + 1 === this.total) this.exhausted = true;
    const issue = () => this.deliver(this.make(plan, this.rt.now, client));
    // With no think time the client issues its next request at once, as a loop calling the next
    // request does: a thread that ran the last one finds the next waiting and keeps the GIL.
    if (plan.think === 0 && afterTask) issue();
    else this.rt.later(plan.think, issue);
  }
}
