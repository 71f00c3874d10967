import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** Runs `npm start`'s script (every notebook) into a fresh temporary folder; resolves to the folder. */
export function runBatch(label: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `gilsim-${label}-`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "run-all.ts")], {
      env: { ...process.env, GILSIM_OUTPUT: out },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`notebooks exited ${code}: ${stderr}`))));
  });
}

/** Every file below `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function read(dir: string, file: string): Buffer {
  return readFileSync(join(dir, file));
}
