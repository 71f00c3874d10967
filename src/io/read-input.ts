import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readFailure } from "./read-failure.js";

/**
 * The largest input file (a scenario, a profile) gilsim reads: 4 MiB, far above any real one (an
 * empirical distribution of 100,000 measured values is about 1 MB), and small enough that even a
 * hostile file is parsed and checked in a second or two.
 */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Why an input file could not be read, in words for a one-line error ("no such file", "larger than 16 MiB"). */
export class InputReadError extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = "InputReadError";
  }
}

/**
 * Reads a text file of at most `max` bytes. Follows symlinks, and reads what is not a regular
 * file (a pipe such as `<(cat file.json)`, a FIFO, a device) as a stream up to the limit, so
 * `/dev/zero` is refused after `max` bytes instead of filling memory. A folder is refused.
 */
export function readInputFile(path: string, max = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputReadError(readFailure(error));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputReadError("it is a folder");
    const limit = `larger than ${formatBytes(max)}, the most gilsim reads`;
    if (stat.isFile() && stat.size > max) throw new InputReadError(limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a non-blocking pipe: wait for data
          continue;
        }
        throw new InputReadError(readFailure(error));
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) throw new InputReadError(limit);
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}
