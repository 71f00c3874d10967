export {
  constant,
  type Distribution,
  empirical,
  erlang,
  exponential,
  gamma,
  lognormal,
  lognormalFromQuantiles,
  normalCdf,
  truncatedNormal,
  uniform,
  Z99,
} from "./distributions.js";
export { CANCELLED, EventQueue } from "./queue.js";
export { hashSeed, Random, Streams } from "./random.js";
export { type Handler, Simulation, type SimulationOptions } from "./simulation.js";
export { formatDuration, fromMillis, MAX_TIME, MS, type Nanos, NS, parseDuration, SECOND, US } from "./time.js";
