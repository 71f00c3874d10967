import { Gil } from "./gil.js";
import type { Runtime } from "./runtime.js";

/** An interpreter process: its own GIL (or none on a free-threaded build with the GIL off). */
export class SimProcess {
  readonly gil: Gil | null;
  /** Its threads on a CPU now (running, or handed a CPU and about to run). */
  active = 0;
  /** When its last thread left its CPU (or when it was created): how long it has been idle. */
  idleSince: number;
  /** Extra CPU time its threads still owe for caches gone cold while it was idle (machine.coldStart). */
  coldDebt = 0;
  /** When its threads last ran the runtime's glue code (an op with `glue`). */
  glueAt: number;
  /** Extra CPU time its glue code still owes for going cold while the process ran other code. */
  glueDebt = 0;
  /** The idle debt charged at the last wake, until the next glue op (which it covers). */
  coldCharged = 0;
  /** Extra CPU time its threads still owe for copy-on-write faults since it last forked (runtime.forkCow). */
  cowDebt = 0;

  constructor(
    rt: Runtime,
    readonly id: number,
    readonly name: string,
  ) {
    this.gil = rt.world.params.gil ? new Gil(rt, id) : null;
    this.idleSince = rt.world.now;
    this.glueAt = rt.world.now;
  }
}
