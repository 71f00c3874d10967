export { erlangB, erlangC, mmcMeanSojourn, mmcMeanWait, mmcWaitQuantile } from "./erlang-c.js";
export { md1MeanWait, mg1MeanSojourn, mg1MeanWait } from "./md1.js";
export { mm1MeanNumber, mm1MeanSojourn, mm1MeanWait, mm1WaitQuantile } from "./mm1.js";
