import { lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { removeStaleTemps, trackTemp, untrackTemp } from "./temp-files.js";
import { UsageError } from "./usage-error.js";

/*
 * Output files appear whole or not at all: the data goes to a temporary file in the same folder
 * (so the rename stays on one file system, where it is atomic), then the temporary file is renamed
 * over the target. A reader never sees half a file, and a failed write leaves the old file as it was.
 *
 * Only a regular file (or a path that does not exist yet) is ever renamed over. A symlink is
 * followed and its target written the same way (the link stays a link); a character device or a
 * FIFO (/dev/null, /dev/stdout, a named pipe) is written straight through; anything else (a
 * folder, a socket, a block device) is refused.
 */

/** Where the bytes for an output path go: a regular file replaced atomically, or a stream written through. */
export type OutputTarget = { kind: "file"; path: string } | { kind: "stream"; path: string };

/** Follows a symlink whose target does not exist yet, to the path the file will have. */
function danglingTarget(path: string, hops = 0): string {
  let link: ReturnType<typeof lstatSync> | undefined;
  try {
    link = lstatSync(path);
  } catch {
    return path;
  }
  if (!link.isSymbolicLink() || hops > 32) return path;
  return danglingTarget(resolve(dirname(path), readlinkSync(path)), hops + 1);
}

/** Decides how `path` is written; throws a UsageError for a path that is not a file, a device or a pipe. */
export function outputTarget(path: string): OutputTarget {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "file", path: danglingTarget(path) };
    throw new UsageError(`cannot write ${path} (${failureWords(error)})`);
  }
  if (stat.isFile()) return { kind: "file", path: realpathSync(path) };
  if (stat.isCharacterDevice() || stat.isFIFO()) return { kind: "stream", path };
  const what = stat.isDirectory() ? "a folder" : stat.isSocket() ? "a socket" : "a block device";
  throw new UsageError(
    `cannot write ${path}: it is ${what} (expected a file, a character device such as /dev/null, or a pipe)`,
  );
}

const WORDS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  ENOENT: "its folder does not exist",
  ENAMETOOLONG: "the path is too long",
  EIO: "an input/output error",
};

function failureWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && WORDS[code]) ?? code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The error for a failed write of the output the user asked for (never the hidden temporary
 * file): a full disk is a failure (exit 1); a read-only or forbidden place is a usage error (2).
 */
export function writeFailure(path: string, error: unknown): Error {
  if (error instanceof UsageError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = `cannot write ${path} (${failureWords(error)})`;
  return code === "ENOSPC" || code === "EDQUOT" || code === "EIO" ? new Error(message) : new UsageError(message);
}

/** Writes `data` to `path` atomically (see above), creating the folder if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([{ path, data }]);
}

/**
 * Writes several outputs, all or none: every temporary file is written first, and only when all
 * of them are complete are they renamed into place. A failure (a full disk) removes them all and
 * names the output that failed.
 */
export async function writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array }[]): Promise<void> {
  const plans = files.map((f) => ({ ...f, target: outputTarget(f.path), temp: "" }));
  try {
    for (const plan of plans) {
      if (plan.target.kind === "stream") continue;
      try {
        await mkdir(dirname(plan.target.path), { recursive: true });
        removeStaleTemps(plan.target.path);
        plan.temp = trackTemp(plan.target.path);
        await writeFile(plan.temp, plan.data);
      } catch (error) {
        throw writeFailure(plan.path, error);
      }
    }
    // Devices and pipes first: they cannot be undone, and if one fails no file has been replaced yet.
    const order = [
      ...plans.filter((p) => p.target.kind === "stream"),
      ...plans.filter((p) => p.target.kind === "file"),
    ];
    for (const plan of order) {
      try {
        if (plan.target.kind === "stream") await writeFile(plan.target.path, plan.data);
        else await rename(plan.temp, plan.target.path);
      } catch (error) {
        throw writeFailure(plan.path, error);
      }
      untrackTemp(plan.temp);
    }
  } catch (error) {
    for (const plan of plans) {
      if (plan.temp === "") continue;
      await rm(plan.temp, { force: true });
      untrackTemp(plan.temp);
    }
    throw error;
  }
}

/** The synchronous form of writeFileAtomic, for scripts that write one file and stop. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const target = outputTarget(path);
  if (target.kind === "stream") {
    try {
      writeFileSync(target.path, data);
    } catch (error) {
      throw writeFailure(path, error);
    }
    return;
  }
  let temp = "";
  try {
    mkdirSync(dirname(target.path), { recursive: true });
    removeStaleTemps(target.path);
    temp = trackTemp(target.path);
    writeFileSync(temp, data);
    renameSync(temp, target.path);
  } catch (error) {
    if (temp !== "") rmSync(temp, { force: true });
    throw writeFailure(path, error);
  } finally {
    if (temp !== "") untrackTemp(temp);
  }
}
