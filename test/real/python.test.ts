import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { RealSetupError } from "../../src/real/errors.js";
import { findPython, parseProbe } from "../../src/real/python.js";
import { tempDir } from "../temp.js";

const PYENV = "/root/.pyenv/versions";
const tmp = tempDir("gilsim-python-");

describe("findPython", () => {
  test("findPython() finds python3 on PATH and reports the version python3 --version prints", async () => {
    const info = await findPython();
    const printed = execFileSync("python3", ["--version"], { encoding: "utf8" }).trim();
    expect(printed).toBe(`Python ${info.version}`);
    expect(info.command).toBe("python3");
    expect(info.implementation).toBe("cpython");
    expect(info.major * 100 + info.minor).toBeGreaterThanOrEqual(309);
    expect(existsSync(info.executable)).toBe(true);
  });

  test("findPython(path) of a missing file throws a RealSetupError naming the path", async () => {
    const err = await findPython("/nonexistent/python3").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealSetupError);
    expect((err as Error).message).toBe(
      'invalid python: "/nonexistent/python3" (not found; expected a Python 3.9 or later interpreter)',
    );
  });

  test("findPython() without python3 on PATH says what to install", async () => {
    const saved = process.env.PATH;
    process.env.PATH = tmp;
    try {
      const err = await findPython().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RealSetupError);
      expect((err as Error).message).toBe(
        "python3 not found on PATH; install Python 3.9 or later, or pass --python PATH",
      );
    } finally {
      process.env.PATH = saved;
    }
  });

  test.each(["3.8.18", "3.6.15"])("findPython(Python %s) throws a RealSetupError: too old", async (version) => {
    const path = `${PYENV}/${version}/bin/python3`;
    if (!existsSync(path)) {
      console.warn(`skipped: Python ${version} is not installed at ${path}`);
      return;
    }
    const err = await findPython(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealSetupError);
    expect((err as Error).message).toContain(`is Python ${version}`);
    expect((err as Error).message).toContain("gilsim needs Python 3.9 or later: install it, or pass --python PATH");
  });

  test("findPython(a program that is not Python) throws a RealSetupError", async () => {
    const fake = join(tmp, "not-python");
    writeFileSync(fake, "#!/bin/sh\necho hello\n", { mode: 0o755 });
    const err = await findPython(fake).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealSetupError);
    expect((err as Error).message).toBe(
      `could not read the version of ${fake} (got "hello\\n"; expected a Python 3.9 or later interpreter)`,
    );
    const failing = join(tmp, "failing");
    writeFileSync(failing, "#!/bin/sh\necho broken >&2\nexit 3\n", { mode: 0o755 });
    await expect(findPython(failing)).rejects.toThrow(
      `could not run ${failing}: the version check failed (exit status 3: broken; expected a Python 3.9 or later interpreter)`,
    );
  });
});

/** Whether a process is running (a zombie, dead and not yet reaped, is not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits up to 5 s for `pid` to be gone (the kernel tears a killed process down asynchronously). */
async function gone(pid: number): Promise<boolean> {
  for (let k = 0; k < 100 && running(pid); k++) await new Promise((r) => setTimeout(r, 50));
  return !running(pid);
}

/**
 * A fake python that starts a sleeping child, writes the child's pid to `pidFile`, and hangs.
 * With `holdPipes`, the child keeps the probe's stdout and stderr open as well.
 */
function hangingPython(name: string, pidFile: string, holdPipes: boolean): string {
  const path = join(tmp, name);
  const redirect = holdPipes ? "" : " </dev/null >/dev/null 2>&1";
  writeFileSync(path, `#!/bin/sh\nsleep 600${redirect} &\necho $! > ${pidFile}\nwhile :; do sleep 1; done\n`, {
    mode: 0o755,
  });
  return path;
}

describe("findPython on a program that hangs", () => {
  test.each([
    ["its child detached from the probe's pipes", false],
    ["its child holding the probe's pipes open", true],
  ])("says it timed out, naming the program and the time, and kills the program and %s", async (_, hold) => {
    const pidFile = join(tmp, `child-${hold}.pid`);
    const fake = hangingPython(`hangs-${hold}`, pidFile, hold);
    const err = await findPython(fake, 1500).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealSetupError);
    expect((err as Error).message).toBe(
      `${fake} timed out: no answer to the version check within 1.5 s; killed it and every process it started (expected a Python 3.9 or later interpreter)`,
    );
    const child = Number(readFileSync(pidFile, "utf8"));
    expect(child).toBeGreaterThan(1);
    expect(await gone(child)).toBe(true);
  });

  test("gilsim real --python PROGRAM-THAT-HANGS exits 2 with the timeout, the program and its child killed", async () => {
    const pidFile = join(tmp, "child-cli.pid");
    const fake = hangingPython("hangs-cli", pidFile, false);
    let err = "";
    const code = await main(["real", "convoy", "--python", fake, "--timeout", "1.5"], {
      out: () => {},
      err: (t) => {
        err += t;
      },
      isTTY: false,
    });
    expect(code).toBe(2);
    expect(err.trim()).toBe(
      `gilsim: ${fake} timed out: no answer to the version check within 1.5 s; killed it and every process it started (expected a Python 3.9 or later interpreter)`,
    );
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  test("gilsim stopped by Ctrl-C during the version check takes the hanging program's group with it", async () => {
    // The program runs in its own process group, out of reach of the terminal's SIGINT, so gilsim
    // must kill it on the way out. The built CLI (npm test builds it) runs as a real process here.
    const pidFile = join(tmp, "child-sigint.pid");
    const fake = hangingPython("hangs-sigint", pidFile, false);
    const cli = spawn(process.execPath, ["bin/gilsim.js", "real", "convoy", "--python", fake, "--timeout", "120"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    cli.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => cli.once("exit", () => resolve()));
    // Waits (without a time limit of its own: a loaded machine starts processes slowly) for the
    // program to be up, then interrupts gilsim as Ctrl-C would.
    while (!(existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "")) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const child = Number(readFileSync(pidFile, "utf8"));
    cli.kill("SIGINT");
    await exited;
    expect(err).toContain("stopped by SIGINT");
    expect(await gone(child)).toBe(true);
  });

  test("a program that starts a child and exits takes the child with it", async () => {
    const pidFile = join(tmp, "child-exits.pid");
    const path = join(tmp, "exits");
    writeFileSync(
      path,
      `#!/bin/sh\nsleep 600 </dev/null >/dev/null 2>&1 &\necho $! > ${pidFile}\necho "3 11 2 cpython 0 /x/python3"\n`,
      {
        mode: 0o755,
      },
    );
    const info = await findPython(path, 10_000);
    expect(info.version).toBe("3.11.2");
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });
});

describe("parseProbe", () => {
  test("parseProbe reads version, implementation, free-threading and executable (with spaces)", () => {
    expect(parseProbe("py", "3 13 1 cpython 1 /opt/my python/bin/python3.13t\n")).toEqual({
      command: "py",
      executable: "/opt/my python/bin/python3.13t",
      version: "3.13.1",
      major: 3,
      minor: 13,
      implementation: "cpython",
      freeThreaded: true,
    });
    expect(parseProbe("py", "Python 3.11.7")).toBeNull();
  });
});
