import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
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
    await expect(findPython(failing)).rejects.toThrow(`could not run ${failing}: Command failed`);
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
