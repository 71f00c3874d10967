import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findPython, type PythonInfo } from "../real/python.js";

/*
 * The CPython interpreters a random validation can run, one per minor version ("3.11"): python3 on
 * PATH, then pyenv's versions ($PYENV_ROOT or ~/.pyenv), then /usr/bin/python3.N, then the paths in
 * $GILSIM_PYTHONS (separated by ":"), the first found of each version winning. Free-threaded builds
 * are left out: the random scenarios model GIL builds.
 */

/** Where interpreters are looked for, in order. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = ["python3"];
  const pyenv = join(env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).sort()) out.push(join(pyenv, v, "bin", "python3"));
  }
  for (let minor = 9; minor <= 14; minor++) out.push(`/usr/bin/python3.${minor}`);
  for (const p of (env.GILSIM_PYTHONS ?? "").split(":")) if (p !== "") out.push(p);
  return out;
}

/** The interpreters found, by minor version ("3.11" -> its PythonInfo). */
export async function findPythons(candidates = pythonCandidates()): Promise<Map<string, PythonInfo>> {
  const found = new Map<string, PythonInfo>();
  for (const path of candidates) {
    if (path.includes("/") && !existsSync(path)) continue;
    let info: PythonInfo;
    try {
      info = await findPython(path);
    } catch {
      continue; // missing, too old or broken: that version is simply not present
    }
    const key = `${info.major}.${info.minor}`;
    if (!info.freeThreaded && info.implementation === "cpython" && !found.has(key)) found.set(key, info);
  }
  return found;
}
