import { RealSetupError } from "./errors.js";
import { spawnGroup } from "./group.js";

/** The interpreter the real-execution mode runs. */
export interface PythonInfo {
  /** The command or path it was started with ("python3" or what --python gave). */
  command: string;
  /** sys.executable: the interpreter's own path. */
  executable: string;
  /** "3.11.7". */
  version: string;
  major: number;
  minor: number;
  /** sys.implementation.name: "cpython" for CPython. */
  implementation: string;
  /** A free-threaded build (3.13t, 3.14t: sysconfig Py_GIL_DISABLED). */
  freeThreaded: boolean;
}

/** The oldest Python the harness runs on. */
export const MIN_PYTHON = { major: 3, minor: 9 } as const;
/** The command looked up on PATH when no --python is given. */
export const DEFAULT_PYTHON = "python3";

/** How long the version check may take (a run with a shorter time limit gives it that limit). */
export const PROBE_TIMEOUT_MS = 20_000;

const NEED = `Python ${MIN_PYTHON.major}.${MIN_PYTHON.minor} or later`;

// Valid Python 2 as well, so that a too-old interpreter still answers and gets a clear message.
const PROBE = [
  "import sys, sysconfig",
  "v = sys.version_info",
  "impl = getattr(getattr(sys, 'implementation', None), 'name', 'cpython')",
  "ft = 1 if sysconfig.get_config_var('Py_GIL_DISABLED') else 0",
  "sys.stdout.write('%d %d %d %s %d %s\\n' % (v[0], v[1], v[2], impl, ft, sys.executable))",
].join("\n");

/**
 * Finds the interpreter and checks its version: `python` when given (a path or a command name),
 * else `python3` on PATH. Throws a RealSetupError with a one-line message saying what to install.
 */
export async function findPython(python?: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<PythonInfo> {
  const command = python ?? DEFAULT_PYTHON;
  if (python !== undefined && python.trim() === "") {
    throw new RealSetupError(`invalid python: "" (expected the path of a ${NEED} interpreter)`);
  }
  const result = await probe(command, timeoutMs);
  if (result.kind === "spawn-error") {
    const code = result.error.code;
    if (code === "ENOENT" || code === "EACCES") {
      throw new RealSetupError(
        python === undefined
          ? `${DEFAULT_PYTHON} not found on PATH; install ${NEED}, or pass --python PATH`
          : `invalid python: ${JSON.stringify(python)} (${code === "ENOENT" ? "not found" : "not executable"}; expected a ${NEED} interpreter)`,
      );
    }
    throw new RealSetupError(`could not run ${command}: ${result.error.message} (expected a ${NEED} interpreter)`);
  }
  if (result.kind === "timeout") {
    throw new RealSetupError(
      `${command} timed out: no answer to the version check within ${seconds(timeoutMs)}; killed it and every process it started (expected a ${NEED} interpreter)`,
    );
  }
  if (result.kind === "flood") {
    throw new RealSetupError(
      `${command} wrote more than ${PROBE_OUTPUT_LIMIT / 1024} KiB in answer to the version check; killed it (expected a ${NEED} interpreter)`,
    );
  }
  const { stdout } = result;
  if (result.status !== 0) {
    const said = result.stderr
      .split("\n")
      .filter((l) => l.trim() !== "")
      .pop();
    const how = result.signal ? `killed by ${result.signal}` : `exit status ${result.status}`;
    throw new RealSetupError(
      `could not run ${command}: the version check failed (${how}${said ? `: ${cut(said.trim())}` : ""}; expected a ${NEED} interpreter)`,
    );
  }
  const info = parseProbe(command, stdout);
  if (!info) {
    throw new RealSetupError(
      `could not read the version of ${command} (got ${JSON.stringify(stdout.slice(0, 60))}; expected a ${NEED} interpreter)`,
    );
  }
  if (info.major < MIN_PYTHON.major || (info.major === MIN_PYTHON.major && info.minor < MIN_PYTHON.minor)) {
    throw new RealSetupError(
      `${command} is Python ${info.version} (${info.executable}); gilsim needs ${NEED}: install it, or pass --python PATH`,
    );
  }
  return info;
}

/** At most this much output is read from the probe (a Python writes one short line). */
const PROBE_OUTPUT_LIMIT = 64 * 1024;

type ProbeResult =
  | { kind: "done"; stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }
  | { kind: "spawn-error"; error: NodeJS.ErrnoException }
  | { kind: "timeout" }
  | { kind: "flood" };

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function cut(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * Runs the probe in a process group of its own, so that on a timeout (or a flood of output) it is
 * killed with everything it started: a `--python` that hangs must not leave its children running.
 * Whatever it started and left behind is killed when it exits, too.
 */
function probe(command: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const { child, killGroup } = spawnGroup<null>(command, ["-c", PROBE], { stdin: "ignore" });
    let stdout = "";
    let stderr = "";
    let exit: { status: number | null; signal: NodeJS.Signals | null } | null = null;
    // The group is out of the terminal's reach (Ctrl-C goes to gilsim's group only): if gilsim
    // exits while the check runs (a signal, an error), it takes the program's group with it.
    process.once("exit", killGroup);
    let settled = false;
    const settle = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener("exit", killGroup);
      resolve(result);
    };
    const stop = (why: "timeout" | "flood"): void => {
      if (settled) return;
      killGroup();
      // A process that left the group (setsid) could hold the pipes open: stop reading them.
      child.stdout.destroy();
      child.stderr.destroy();
      settle({ kind: why });
    };
    const timer = setTimeout(() => stop("timeout"), timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.length > PROBE_OUTPUT_LIMIT) stop("flood");
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-PROBE_OUTPUT_LIMIT);
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      killGroup();
      settle({ kind: "spawn-error", error });
    });
    child.once("exit", (status, signal) => {
      exit = { status, signal };
      // What it started and left behind goes with it (and its pipes close, so "close" comes).
      killGroup();
    });
    child.once("close", () => {
      settle({ kind: "done", stdout, stderr, status: exit?.status ?? null, signal: exit?.signal ?? null });
    });
  });
}

/** Reads the probe's one line: "3 11 7 cpython 0 /usr/bin/python3". */
export function parseProbe(command: string, text: string): PythonInfo | null {
  const m = /^(\d+) (\d+) (\d+) (\S+) ([01]) (.*)$/m.exec(text.trim());
  if (!m) return null;
  const [major, minor, micro] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return {
    command,
    executable: m[6] ?? "",
    version: `${major}.${minor}.${micro}`,
    major,
    minor,
    implementation: m[4] ?? "",
    freeThreaded: m[5] === "1",
  };
}
