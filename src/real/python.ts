import { execFile } from "node:child_process";
import { RealSetupError } from "./errors.js";

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
export async function findPython(python?: string, timeoutMs = 20_000): Promise<PythonInfo> {
  const command = python ?? DEFAULT_PYTHON;
  if (python !== undefined && python.trim() === "") {
    throw new RealSetupError(`invalid python: "" (expected the path of a ${NEED} interpreter)`);
  }
  const { stdout, error } = await probe(command, timeoutMs);
  if (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES") {
      throw new RealSetupError(
        python === undefined
          ? `${DEFAULT_PYTHON} not found on PATH; install ${NEED}, or pass --python PATH`
          : `invalid python: ${JSON.stringify(python)} (${code === "ENOENT" ? "not found" : "not executable"}; expected a ${NEED} interpreter)`,
      );
    }
    const detail = error.message.split("\n").find((l) => l.trim() !== "") ?? "it failed";
    throw new RealSetupError(`could not run ${command}: ${detail.trim()} (expected a ${NEED} interpreter)`);
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

function probe(command: string, timeoutMs: number): Promise<{ stdout: string; error: Error | null }> {
  return new Promise((resolve) => {
    execFile(command, ["-c", PROBE], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
      resolve({ stdout: String(stdout), error });
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
