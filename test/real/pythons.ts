import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findPython, type PythonInfo } from "../../src/real/python.js";

/**
 * The CPython interpreters on this machine, one per minor version: $GILSIM_TEST_PYTHONS (paths
 * separated by ":"), pyenv's versions, and /usr/bin/python3.N. With `all`, older ones too.
 */
export async function pythonsOnMachine(all = false): Promise<PythonInfo[]> {
  const candidates = new Set<string>((process.env.GILSIM_TEST_PYTHONS ?? "").split(":").filter((p) => p !== ""));
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  if (existsSync(pyenv)) for (const v of readdirSync(pyenv)) candidates.add(join(pyenv, v, "bin", "python3"));
  for (let minor = 6; minor <= 14; minor++) candidates.add(`/usr/bin/python3.${minor}`);
  const found = new Map<string, PythonInfo>();
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const info = await findPython(path);
      const key = `${info.major}.${info.minor}${info.freeThreaded ? "t" : ""}`;
      if (!found.has(key) && info.implementation === "cpython") found.set(key, info);
    } catch (error) {
      if (!all) continue;
      const m = /is Python (\d+)\.(\d+)\.(\d+)/.exec((error as Error).message);
      if (m)
        found.set(`${m[1]}.${m[2]}`, {
          command: path,
          executable: path,
          version: `${m[1]}.${m[2]}.${m[3]}`,
          major: Number(m[1]),
          minor: Number(m[2]),
          implementation: "cpython",
          freeThreaded: false,
        });
    }
  }
  return [...found.values()].sort((a, b) => a.major - b.major || a.minor - b.minor);
}
