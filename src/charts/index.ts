/** Report-grade figures: each chart takes data and options and returns one standalone SVG. */

export type { Axis } from "./axis.js";
export { linearAxis, logAxis } from "./axis.js";
export type { EcdfOptions, EcdfSeries } from "./ecdf.js";
export { ecdfChart } from "./ecdf.js";
export { nearestRank } from "./ecdf-data.js";
export type { Estimate } from "./estimate.js";
export type { HeatCell, HeatmapOptions } from "./heatmap.js";
export { heatmapChart } from "./heatmap.js";
export type { ExecutorKind } from "./palette.js";
export { EXECUTOR_KINDS, EXECUTOR_STYLES, OKABE_ITO, STATE_COLORS, STATE_LABELS } from "./palette.js";
export type { PngOptions } from "./png.js";
export { FONT_FILES, svgToPng } from "./png.js";
export type { LagPoint, QueueData } from "./queue.js";
export { queueChart } from "./queue.js";
export type { ScalingOptions, ScalingPoint } from "./scaling.js";
export { scalingChart } from "./scaling.js";
export type { SimRealOptions, SimRealPoint } from "./simreal.js";
export { relativeError, simRealChart } from "./simreal.js";
export { normalizeSvgText } from "./svg.js";
export { FONT_STACK } from "./theme.js";
export { formatNanos, timeUnitFor } from "./time-axis.js";
export type { TimelineOptions } from "./timeline.js";
export { timelineChart } from "./timeline.js";
export type { Figure, FigureOptions } from "./types.js";
export type { UtilizationOptions } from "./utilization.js";
export { utilizationChart } from "./utilization.js";
export { writeFigure } from "./write.js";
