import type { Command } from "commander";
import { sizeSchema } from "../scenario/duration.js";
import { UsageError } from "./io.js";

/** What --max-events and --max-memory give a run. */
export interface LimitFlags {
  maxEvents?: number;
  maxMemory?: number;
}

/** Parses --max-events: a positive integer, written out or as 1e6. */
export function parseMaxEvents(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+(?:e\d+)?\s*$/i.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`invalid --max-events: ${text} (expected a positive integer, like 1000000 or 1e6)`);
  }
  return n;
}

/** Parses --max-memory: a size like 512MB or 2GiB, at least 64 MB. */
export function parseMaxMemory(text: string): number {
  const size = sizeSchema.safeParse(/^\s*\d+\s*$/.test(text) ? Number(text) : text);
  if (!size.success || size.data < 64e6) {
    throw new UsageError(`invalid --max-memory: ${text} (expected a size of at least 64MB, like 512MB or 2GiB)`);
  }
  return size.data;
}

/** Adds --max-events and --max-memory, the limits a long or large run can be given. */
export function limitOptions(command: Command): Command {
  return command
    .option(
      "--max-events <n>",
      "stop each run after this many simulated events, with the tasks finished so far (a run estimated above 1e10 steps is otherwise refused)",
      parseMaxEvents,
    )
    .option(
      "--max-memory <size>",
      "refuse a run estimated to need more memory than this (default: three quarters of Node's heap limit)",
      parseMaxMemory,
    );
}

/** The limits as simulate options. */
export function limitsOf(flags: LimitFlags): { maxEvents?: number; memoryLimit?: number } {
  return {
    ...(flags.maxEvents !== undefined ? { maxEvents: flags.maxEvents } : {}),
    ...(flags.maxMemory !== undefined ? { memoryLimit: flags.maxMemory } : {}),
  };
}
