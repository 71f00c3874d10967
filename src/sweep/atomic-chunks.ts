import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const FLUSH = 1 << 16;

/**
 * Writes a file from a sequence of text chunks without holding it whole, and atomically: to a
 * temporary file beside it, renamed over it at the end (writeFileAtomicSync in src/io/atomic.ts
 * does the same for content already in memory). A failure leaves the old file as it was.
 */
export function writeChunksAtomic(path: string, chunks: Iterable<string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "w");
  let open = true;
  try {
    let pending = "";
    const flush = () => {
      const bytes = Buffer.from(pending);
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      pending = "";
    };
    for (const chunk of chunks) {
      pending += chunk;
      if (pending.length >= FLUSH) flush();
    }
    flush();
    closeSync(fd);
    open = false;
    renameSync(temp, path);
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}
