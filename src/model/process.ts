import { Gil } from "./gil.js";
import type { Runtime } from "./runtime.js";

/** An interpreter process: its own GIL (or none on a free-threaded build with the GIL off). */
export class SimProcess {
  readonly gil: Gil | null;

  constructor(
    rt: Runtime,
    readonly id: number,
    readonly name: string,
  ) {
    this.gil = rt.world.params.gil ? new Gil(rt, id) : null;
  }
}
