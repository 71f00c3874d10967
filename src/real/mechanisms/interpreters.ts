import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { RealSetupError } from "../errors.js";
import { findPython, MIN_PYTHON, type PythonInfo } from "../python.js";

/*
 * The interpreters a suite measures: python3 on PATH and pyenv's versions
 * ($(pyenv root)/versions/X/bin/python3), one per minor version (the first found wins, python3 on
 * PATH first), CPython 3.9 or later only.
 */

/** "3.11" for 3.11.7, "3.13t" for a free-threaded 3.13. */
export function minorOf(p: Pick<PythonInfo, "major" | "minor" | "freeThreaded">): string {
  return `${p.major}.${p.minor}${p.freeThreaded ? "t" : ""}`;
}

function pyenvRoot(): string {
  try {
    const out = execFileSync("pyenv", ["root"], {
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    if (out.trim() !== "") return out.trim();
  } catch {
    // no pyenv on PATH
  }
  return process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
}

/** Every usable CPython (3.9+) on this machine, one per minor version, sorted by version. */
export async function interpretersPresent(): Promise<PythonInfo[]> {
  const candidates = ["python3"];
  const versions = join(pyenvRoot(), "versions");
  if (existsSync(versions)) {
    for (const v of readdirSync(versions).sort()) {
      const path = join(versions, v, "bin", "python3");
      if (existsSync(path)) candidates.push(path);
    }
  }
  const found = new Map<string, PythonInfo>();
  for (const c of candidates) {
    let info: PythonInfo;
    try {
      info = await findPython(c);
    } catch {
      continue; // too old, broken, or absent
    }
    if (info.implementation !== "cpython") continue;
    const key = minorOf(info);
    if (!found.has(key)) found.set(key, info);
  }
  return [...found.values()].sort((a, b) => a.major - b.major || a.minor - b.minor);
}

/**
 * The interpreters `--python` names: "all" (the default) for every one present, a minor version
 * ("3.12") for the one of that version, or a path or command. Several separated by commas.
 */
export async function resolveInterpreters(spec = "all"): Promise<PythonInfo[]> {
  const parts = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0)
    throw new RealSetupError(
      `invalid python: ${JSON.stringify(spec)} (expected "all", a version like 3.12, or a path)`,
    );
  let present: PythonInfo[] | null = null;
  const out = new Map<string, PythonInfo>();
  for (const part of parts) {
    if (part === "all" || /^\d+\.\d+t?$/.test(part)) {
      present ??= await interpretersPresent();
      const chosen = part === "all" ? present : present.filter((p) => minorOf(p) === part);
      if (chosen.length === 0) {
        const have = present.map(minorOf).join(", ") || "none";
        throw new RealSetupError(
          part === "all"
            ? `no CPython ${MIN_PYTHON.major}.${MIN_PYTHON.minor}+ found (python3 on PATH, pyenv versions); install one, or pass --python PATH`
            : `invalid python: ${part} (no such interpreter here; present: ${have})`,
        );
      }
      for (const p of chosen) out.set(minorOf(p), p);
    } else {
      const p = await findPython(part);
      out.set(minorOf(p), p);
    }
  }
  return [...out.values()].sort((a, b) => a.major - b.major || a.minor - b.minor);
}
