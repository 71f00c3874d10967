import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** What each batch printed on stdout (piped), by its output folder. */
export const batchStdout = new Map<string, string>();

/** Runs `npm start`'s script (every notebook) into a fresh temporary folder; resolves to the folder. */
export function runBatch(label: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `gilsim-${label}-`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "run-all.ts")], {
      env: { ...process.env, GILSIM_OUTPUT: out },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      batchStdout.set(out, stdout);
      if (code === 0) resolve(out);
      else reject(new Error(`notebooks exited ${code}: ${stderr}`));
    });
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
