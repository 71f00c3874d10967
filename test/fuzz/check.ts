import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/*
 * What the fuzzer demands of every input, bad or not: exit 0 (a valid scenario, run within the
 * limits given) or 2 (a usage or scenario problem); at most 20 lines on stderr; no stack trace;
 * done within 20 s of CPU (wall time on a shared machine says more about the neighbours than
 * about gilsim; a child that hangs is killed after HANG_SECONDS of wall time and fails); memory
 * under 512 MB; and no file left behind.
 */

export const BIN = fileURLToPath(new URL("../../bin/gilsim.js", import.meta.url));
/** The limits every run gets, so a valid input cannot run for long: events, and memory for the budget. */
export const RUN_LIMITS = ["--max-events", "5000", "--max-memory", "256MB"];
export const MAX_LINES = 20;
export const MAX_SECONDS = 20;
export const MAX_MEMORY_BYTES = 512 * 1024 * 1024;
/** Wall seconds after which a child process counts as hung, whatever the load. */
export const HANG_SECONDS = 180;

export interface Outcome {
  code: number | null;
  err: string;
  /** CPU seconds it took (of a child process: from GNU time, or its wall time where that is missing). */
  seconds: number;
  /** Killed for hanging. */
  hung?: boolean;
  /** Peak resident memory of a child process, when measured. */
  peakBytes?: number;
  /** Files found beside the input afterwards that were not there before. */
  leftovers: string[];
}

/** What is wrong with an outcome, or [] when it is fine. */
export function problemsOf(o: Outcome): string[] {
  const problems: string[] = [];
  if (o.code !== 0 && o.code !== 2) problems.push(`exit ${o.code}`);
  if (o.code === 2 && o.err.trim() === "") problems.push("exit 2 with nothing said");
  const lines = o.err.split("\n").filter((l) => l !== "");
  if (lines.length > MAX_LINES) problems.push(`${lines.length} lines on stderr`);
  if (
    lines.some((l) => /^\s+at /.test(l)) ||
    /Maximum call stack|heap out of memory|RangeError:|TypeError:/.test(o.err)
  ) {
    problems.push("a stack trace or an internal error");
  }
  const longest = Math.max(0, ...lines.map((l) => l.length));
  if (longest > 1000) problems.push(`a line of ${longest} characters`);
  if (o.seconds > MAX_SECONDS) problems.push(`took ${o.seconds.toFixed(1)} s`);
  if (o.hung) problems.push(`hung (killed after ${HANG_SECONDS} s)`);
  if (o.peakBytes !== undefined && o.peakBytes > MAX_MEMORY_BYTES) {
    problems.push(`peak memory ${(o.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  }
  if (o.leftovers.length > 0) problems.push(`left ${o.leftovers.join(", ")}`);
  return problems;
}

function listing(dir: string): Set<string> {
  return new Set(existsSync(dir) ? readdirSync(dir) : []);
}

/** Runs `gilsim ...args` in-process, as the CLI's main does; `dir` is watched for leftovers. */
export async function inProcess(args: string[], dir: string, expected: readonly string[] = []): Promise<Outcome> {
  const before = listing(dir);
  let err = "";
  const io: CliIO = {
    out: () => {},
    err: (text) => {
      err += text.endsWith("\n") ? text : `${text}\n`;
    },
    isTTY: false,
  };
  const t0 = process.cpuUsage();
  let code: number;
  try {
    code = await main(args, io);
  } catch (error) {
    code = -1;
    err += `${(error as Error).stack}\n`;
  }
  const used = process.cpuUsage(t0);
  const leftovers = [...listing(dir)].filter((f) => !before.has(f) && !(code === 0 && expected.includes(f)));
  return { code, err, seconds: (used.user + used.system) / 1e6, leftovers };
}

/** The peak resident memory of a running process so far (VmHWM), in bytes; 0 where unknown. */
function peakOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `gilsim ...args` as a child process (bin/gilsim.js), killed after HANG_SECONDS, with its
 * CPU time and peak memory from GNU time when it is installed (else its wall time and the last
 * reading of /proc/PID/status).
 */
export function viaCli(args: string[], dir: string, expected: readonly string[] = []): Promise<Outcome> {
  const before = listing(dir);
  const gnuTime = existsSync("/usr/bin/time");
  const command = gnuTime ? "/usr/bin/time" : process.execPath;
  const argv = gnuTime ? ["-f", "gilsim-usage %M %U %S", process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    let peak = 0;
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    const poll = setInterval(() => {
      if (child.pid) peak = Math.max(peak, peakOf(child.pid));
    }, 25);
    let hung = false;
    const killer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, HANG_SECONDS * 1000);
    child.on("close", (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      let seconds = (performance.now() - t0) / 1000;
      // GNU time writes its line last, after "Command exited with non-zero status N" when it is not 0.
      const m = /(?:Command exited with non-zero status \d+\n)?gilsim-usage (\d+) ([\d.]+) ([\d.]+)\n?$/.exec(err);
      if (m) {
        peak = Number(m[1]) * 1024;
        seconds = Number(m[2]) + Number(m[3]);
        err = err.slice(0, m.index);
      }
      const leftovers = [...listing(dir)].filter((f) => !before.has(f) && !(code === 0 && expected.includes(f)));
      resolve({ code, err, seconds, peakBytes: peak, leftovers, hung });
    });
  });
}
