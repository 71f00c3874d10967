/*
 * A cut-off output ends the built CLI quietly with code 0, as Unix tools do: a closed downstream
 * pipe (EPIPE on write, as in `gilsim simulate web-api --json | head -c 10`) and a SIGPIPE.
 * These run bin/gilsim.js, so they need `npm run build` (npm test builds first).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir } from "../temp.js";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/gilsim.js");

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the built CLI; `started` is told its pid, and may close its stdout or signal it. */
function runBin(args: string[], started: (child: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, out, err }));
    started(child);
  });
}

/** Whether the process catches `signal` (Linux: the SigCgt mask of /proc/PID/status). */
function catches(pid: number, signal: number): boolean {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^SigCgt:\s*([0-9a-f]+)$/m);
    return line !== null && (BigInt(`0x${line[1]}`) & (1n << BigInt(signal - 1))) !== 0n;
  } catch {
    return false;
  }
}

describe("a broken pipe", () => {
  test("bin/gilsim.js is built (npm run build)", () => {
    expect(existsSync(join(ROOT, "dist/bin/gilsim.js"))).toBe(true);
  });

  test("gilsim simulate web-api --json whose reader has gone (EPIPE) exits 0 and prints no error", async () => {
    // The read end is closed before the simulation ends, so the CLI's one write hits EPIPE.
    const r = await runBin(["simulate", "web-api", "--json"], (child) => child.stdout?.destroy());
    expect(r.err).toBe("");
    expect(r).toMatchObject({ code: 0, signal: null });
  });

  test("gilsim simulate sent SIGPIPE while it runs ends with code 0 and no error", { timeout: 120_000 }, async () => {
    if (process.platform !== "linux") return;
    // Node ignores SIGPIPE; the CLI catches it and exits 0. A JavaScript signal handler runs when
    // the event loop turns, so a synchronous simulation finishes (and prints) first. A run of
    // 300,000 tasks: far longer than the wait for the handler below.
    const dir = tempDir();
    const file = join(dir, "long.json");
    writeFileSync(
      file,
      JSON.stringify({
        executor: { kind: "asyncio" },
        workload: {
          arrivals: { kind: "poisson", rate: "2000/s", count: 300_000 },
          classes: [{ steps: [{ cpu: "50us" }, { io: "10ms" }] }],
        },
      }),
    );
    let sent = false;
    const r = await runBin(["simulate", file], (child) => {
      // Node ignores SIGPIPE unless a handler is installed: send it once the CLI catches it.
      const poll = setInterval(() => {
        if (child.pid !== undefined && catches(child.pid, 13)) {
          clearInterval(poll);
          sent = child.kill("SIGPIPE");
        }
      }, 10);
      child.on("close", () => clearInterval(poll));
    });
    expect(sent).toBe(true);
    expect(r).toMatchObject({ code: 0, signal: null, err: "" });
  });
});
