/**
 * Thinning a long time series to what `columns` pixel columns can show: in each column, the
 * first point, the one with the largest value and the last, in time order. Peaks survive (they
 * are what queue and lag figures are read for), and a step line through the kept points still
 * starts and ends each column at the right level.
 */
export function thinSeries<T extends { time: number }>(
  points: readonly T[],
  value: (point: T) => number,
  window: readonly [number, number],
  columns: number,
): T[] {
  if (points.length <= 3 * columns) return [...points];
  const [start, end] = window;
  const width = (end - start) / columns;
  const kept: T[] = [];
  let column = Number.NaN;
  let first: T | undefined;
  let peak: T | undefined;
  let last: T | undefined;
  const flush = (): void => {
    if (first === undefined || peak === undefined || last === undefined) return;
    for (const p of new Set([first, peak, last])) kept.push(p);
  };
  for (const p of points) {
    const c = Math.min(columns - 1, Math.max(0, Math.floor((p.time - start) / width)));
    if (c !== column) {
      flush();
      column = c;
      first = p;
      peak = p;
    } else if (value(p) > value(peak as T)) {
      peak = p;
    }
    last = p;
  }
  flush();
  return kept;
}
