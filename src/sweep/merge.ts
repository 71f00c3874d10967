import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../io/usage-error.js";
import { writeChunksAtomic } from "./atomic-chunks.js";
import { PointFile } from "./point-file.js";
import { POINTS_FILE } from "./run.js";
import type { SweepHeader } from "./store.js";

/** A shard's points file: the path given, or POINTS_FILE inside it when it is a folder. */
export function pointsFileOf(path: string): string {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  const file = join(path, POINTS_FILE);
  if (!existsSync(file)) throw new UsageError(`no ${POINTS_FILE} in folder ${path} (expected a sweep's output folder)`);
  return file;
}

/**
 * Joins the points files of a sweep's shards into the points file of the whole sweep, `out`
 * (written whole, then renamed into place; in grid order, with the header of an unsharded
 * sweep). The files must come from the same sweep (same id) and together hold every point of
 * the grid; a point found twice must be the same line both times. Everything is checked before
 * anything is written; lines are copied one at a time, so memory does not grow with the points.
 */
export function mergeShards(files: readonly string[], out: string): SweepHeader {
  if (files.length === 0) throw new UsageError("invalid merge: no points files (expected at least one)");
  const shards: PointFile[] = [];
  try {
    for (const f of files) shards.push(PointFile.open(f));
    const first = shards[0] as PointFile;
    shards.forEach((s, i) => {
      if (s.header.id !== first.header.id) {
        throw new UsageError(
          `${files[i]} is from another sweep than ${files[0]} (sweep ${s.header.id}, not ${first.header.id})`,
        );
      }
    });
    const size = first.header.size;
    let missing = 0;
    let firstMissing = -1;
    for (let i = 0; i < size; i++) {
      const holders = shards.filter((s) => s.has(i));
      if (holders.length === 0) {
        missing++;
        if (firstMissing < 0) firstMissing = i;
        continue;
      }
      const line = (holders[0] as PointFile).line(i);
      for (const h of holders.slice(1)) {
        if (h.line(i) !== line) {
          const key = (JSON.parse(line) as { key: string }).key;
          throw new UsageError(`point ${key} differs between the shards (${files[0]} and ${h.file})`);
        }
      }
    }
    if (missing > 0) {
      const given = [...new Set(shards.map((s) => s.header.shard ?? "all"))].join(", ");
      throw new UsageError(
        `invalid merge: ${missing} of ${size} points missing, the first is point ${firstMissing} (shards given: ${given}; run the missing shards or finish them)`,
      );
    }
    const header: SweepHeader = { ...first.header, shard: null };
    writeChunksAtomic(
      out,
      (function* () {
        yield `${JSON.stringify(header)}\n`;
        for (let i = 0; i < size; i++) {
          const holder = shards.find((s) => s.has(i)) as PointFile;
          yield `${holder.line(i)}\n`;
        }
      })(),
    );
    return header;
  } finally {
    for (const s of shards) s.close();
  }
}
