import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../io/usage-error.js";
import { writeChunksAtomic } from "./atomic-chunks.js";
import type { Axis } from "./axis.js";
import { Grid } from "./grid.js";
import { folderLockOwner } from "./lock.js";
import { parsePath } from "./path.js";
import { sweepId } from "./plan.js";
import { type PartRef, PointFile } from "./point-file.js";
import { type PartResult, wholeRow } from "./rows.js";
import { POINTS_FILE } from "./run.js";
import { parseShard } from "./shard.js";
import { makeHeader, type SweepHeader } from "./store.js";

/** Keys of missing points named in an error, before "and N more". */
const NAMED = 5;

/**
 * The points files a merge argument names: a file; a sweep's output folder (its points.jsonl); or
 * a folder of such folders (a shared file system every shard wrote into), in name order. The
 * folder `exclude` (the merge's own output) is passed over.
 */
export function pointsFilesOf(path: string, exclude: string | null = null): string[] {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  const own = join(path, POINTS_FILE);
  if (existsSync(own)) return [own];
  const skip = exclude === null ? null : resolve(exclude);
  const found = readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() && resolve(path, e.name) !== skip)
    .map((e) => join(path, e.name, POINTS_FILE))
    .filter((f) => existsSync(f))
    .sort();
  if (found.length === 0) {
    throw new UsageError(
      `no ${POINTS_FILE} in folder ${path} or its subfolders (expected a sweep's output folder, or a folder of them)`,
    );
  }
  return found;
}

/** How the merged file gets point i: a whole line from a file, or parts joined. */
type Source = { file: number } | { parts: { file: number; ref: PartRef }[] };

/** What a merge is about to write, for a caller's last check (`mergeShards`' `check`). */
export interface MergePlan {
  header: SweepHeader;
  /** The fewest replications of any point. */
  fewestReplications: number;
}

/**
 * Joins the points files of a sweep's shards into the points file of the whole sweep, `out`
 * (written whole, then renamed into place; in grid order, with the header of an unsharded sweep,
 * so it is the bytes an unsharded run gives once put in grid order). The files must have the same
 * specification hash and split (`--shard K/N` with one N), and together hold every replication of
 * every point. A point run in parts is joined from its parts' replications and latency histograms
 * (rows.ts), never from their percentiles. Everything is checked before anything is written,
 * `check` last (it throws to refuse the merge); lines are read one at a time, so memory does not
 * grow with the points.
 */
export function mergeShards(
  files: readonly string[],
  out: string,
  check: (plan: MergePlan) => void = () => {},
): SweepHeader {
  if (files.length === 0) throw new UsageError("invalid merge: no points files (expected at least one)");
  const shards: PointFile[] = [];
  try {
    for (const f of files) shards.push(PointFile.open(f));
    const profiled = checkSameSweep(shards);
    const first = shards[0] as PointFile;
    const size = first.header.size;
    const sources: (Source | null)[] = new Array(size).fill(null);
    const missing: number[] = [];
    for (let i = 0; i < size; i++) {
      const source = sourceOf(shards, i);
      if (source === null) missing.push(i);
      sources[i] = source;
    }
    if (missing.length > 0) throw new UsageError(missingMessage(shards, missing));
    const { profiled: _, ...spec } = first.header;
    const header = makeHeader(profiled === undefined ? spec : { ...spec, profiled }, null, size);
    // Every point is in some shard, whole or in parts, so the fewest over the shards is the merge's.
    const fewest = Math.min(...shards.map((s) => s.fewestReplications ?? Number.POSITIVE_INFINITY));
    check({ header, fewestReplications: fewest });
    writeChunksAtomic(
      out,
      (function* () {
        yield `${JSON.stringify(header)}\n`;
        for (let i = 0; i < size; i++) yield `${lineOf(shards, sources[i] as Source, i)}\n`;
      })(),
    );
    return header;
  } finally {
    for (const s of shards) s.close();
  }
}

/**
 * Refuses files of different sweeps, of different splits, whose header does not match its own
 * hash, or that disagree on whether they ran with --profile (not in the hash: a profile that sets
 * nothing the scenario lacks leaves it alike). Returns what the shards say of --profile: true or
 * false when any says, undefined when none does (files of a gilsim that did not record it).
 */
function checkSameSweep(shards: readonly PointFile[]): boolean | undefined {
  const first = shards[0] as PointFile;
  for (const s of shards) {
    const h = s.header;
    if (sweepId(h.scenario, h.axes, h.replications, h.seed) !== h.id) {
      throw new UsageError(`${s.file}: the header does not match its specification hash ${h.id} (was it edited?)`);
    }
    if (h.id !== first.header.id) {
      throw new UsageError(
        `${s.file} is from another sweep than ${first.file} (sweep ${h.id}, not ${first.header.id}: the scenario, --vary, --replications or --seed differ)`,
      );
    }
  }
  const splits = new Map<number, string>();
  for (const s of shards) splits.set(shardCount(s.header), s.file);
  if (splits.size > 1) {
    const list = [...splits].map(([n, file]) => `${n === 1 ? "unsharded" : `N=${n}`} (${file})`).join(", ");
    throw new UsageError(`invalid merge: shards of different splits: ${list}; merge the shards of one --shard K/N`);
  }
  const said = new Map<boolean, string>();
  for (const s of shards) if (s.header.profiled !== undefined) said.set(s.header.profiled, s.file);
  if (said.size > 1) {
    throw new UsageError(
      `invalid merge: ${said.get(true)} ran with --profile and ${said.get(false)} without; merge the shards of one sweep`,
    );
  }
  return said.size === 1 ? [...said.keys()][0] : undefined;
}

function shardCount(header: SweepHeader): number {
  return header.shard === null ? 1 : parseShard(header.shard).n;
}

/** Where point i comes from: a file with its whole line, or parts that tile its replications; null if neither. */
function sourceOf(shards: readonly PointFile[], i: number): Source | null {
  let whole = -1;
  const parts: { file: number; ref: PartRef }[] = [];
  shards.forEach((s, f) => {
    if (s.has(i)) {
      if (whole < 0) whole = f;
      else if (s.line(i) !== (shards[whole] as PointFile).line(i)) {
        const key = s.row(i).key;
        throw new UsageError(
          `point ${key} differs between the shards (${(shards[whole] as PointFile).file} and ${s.file})`,
        );
      }
    }
    for (const ref of s.partsOf(i)) parts.push({ file: f, ref });
  });
  if (whole >= 0) return { file: whole };
  if (parts.length === 0) return null;
  // The same part in two files must be the same line.
  for (const a of parts) {
    for (const b of parts) {
      if (a !== b && a.ref.from === b.ref.from && a.ref.to === b.ref.to) {
        const la = (shards[a.file] as PointFile).partLine(a.ref);
        if (la !== (shards[b.file] as PointFile).partLine(b.ref)) {
          const key = (shards[a.file] as PointFile).partRow(a.ref).key;
          throw new UsageError(
            `replications ${a.ref.from}-${a.ref.to} of point ${key} differ between the shards (${(shards[a.file] as PointFile).file} and ${(shards[b.file] as PointFile).file})`,
          );
        }
      }
    }
  }
  // Tile the replications from 0, the longest part first at each step.
  const r = (shards[(parts[0] as { file: number }).file] as PointFile).partRow(
    (parts[0] as { ref: PartRef }).ref,
  ).replications;
  const tiling: { file: number; ref: PartRef }[] = [];
  for (let at = 0; at < r; ) {
    let best: { file: number; ref: PartRef } | null = null;
    for (const p of parts) if (p.ref.from === at && (best === null || p.ref.to > best.ref.to)) best = p;
    if (best === null) return null;
    tiling.push(best);
    at = best.ref.to;
  }
  return { parts: tiling };
}

/** The merged line of point i: its whole line as written, or its parts joined into one. */
function lineOf(shards: readonly PointFile[], source: Source, i: number): string {
  if (!("parts" in source)) return (shards[source.file] as PointFile).line(i);
  const rows = source.parts.map((p) => (shards[p.file] as PointFile).partRow(p.ref));
  const head = rows[0];
  if (head === undefined) throw new RangeError("a point with no parts");
  for (const row of rows) {
    if (
      row.key !== head.key ||
      row.seed !== head.seed ||
      row.replications !== head.replications ||
      row.confidence !== head.confidence
    ) {
      throw new UsageError(`the parts of point ${head.key} disagree on its seed, replications or confidence`);
    }
  }
  const parts: PartResult[] = rows.map((row) => ({
    from: row.part[0],
    to: row.part[1],
    runs: row.runs,
    latency: row.latency,
    truncated: row.truncated ?? 0,
  }));
  const id = {
    index: head.index,
    key: head.key,
    seed: head.seed,
    replications: head.replications,
    values: head.values,
  };
  return JSON.stringify(wholeRow(id, parts, head.confidence));
}

/** The error for a merge that lacks points: which, which shards are missing, which are unfinished. */
function missingMessage(shards: readonly PointFile[], missing: readonly number[]): string {
  const first = (shards[0] as PointFile).header;
  const axes: Axis[] = first.axes.map((a) => ({ path: a.path, segments: parsePath(a.path), values: a.values }));
  const grid = new Grid(axes);
  const named = missing.slice(0, NAMED).map((i) => grid.key(grid.point(i)));
  const more = missing.length > NAMED ? `, and ${missing.length - NAMED} more` : "";
  const parts = [`invalid merge: ${missing.length} of ${first.size} points missing (${named.join("; ")}${more})`];
  const n = shardCount(first);
  if (n > 1) {
    const found = new Set(shards.map((s) => parseShard(s.header.shard as string).k));
    const absent: string[] = [];
    for (let k = 1; k <= n; k++) if (!found.has(k)) absent.push(`${k}/${n}`);
    if (absent.length > 0) parts.push(`shards missing: ${absent.join(", ")}`);
  }
  const unfinished: string[] = [];
  for (const s of shards) {
    const have = s.count + s.partCount;
    if (have >= s.header.units) continue;
    const lock = folderLockOwner(dirname(s.file));
    const running = lock?.alive ? `, still running as pid ${lock.owner.pid} on ${lock.owner.host}` : "";
    unfinished.push(`${s.header.shard ?? "unsharded"} (${have} of ${s.header.units} units${running})`);
  }
  if (unfinished.length > 0) parts.push(`shards unfinished: ${unfinished.join(", ")}`);
  parts.push("run the missing shards, or rerun the unfinished ones: each resumes where it stopped");
  return parts.join("; ");
}
