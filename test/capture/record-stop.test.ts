import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../../src/capture/record.js";
import { hasPython } from "../python.js";
import { tempDir } from "../temp.js";

/** Running (not a zombie): a stopped child is SIGKILLed and then reaped by whoever adopted it. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPython() || process.platform !== "linux")("gilsim record stops what the program started", () => {
  it("a child the program started, deaf to SIGINT, does not outlive a stopped recording", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir("gilsim-record-stop-");
    const pidFile = join(dir, "child.pid");
    // The program starts a child that ignores SIGINT (python -I: without the recorder) and sleeps.
    const program = [
      "import subprocess, sys, time",
      "child = subprocess.Popen([sys.executable, '-I', '-c', 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)'])",
      `open(${JSON.stringify(pidFile)} + '.tmp', 'w').write(str(child.pid))`,
      "import os",
      `os.rename(${JSON.stringify(pidFile)} + '.tmp', ${JSON.stringify(pidFile)})`,
      "time.sleep(600)",
    ].join("\n");
    const stop = new AbortController();
    const done = record({
      command: ["python3", "-c", program],
      out: join(dir, "rec.jsonl"),
      stdio: "pipe",
      forwardSignals: false,
      stopSignal: stop.signal,
    });
    // Stop once the child is running (no wall-clock guess about how long that takes); a program
    // that ends first fails the test with its own error.
    let ended = false;
    done.then(
      () => {
        ended = true;
      },
      () => {
        ended = true;
      },
    );
    while (!existsSync(pidFile) && !ended) await sleep(50);
    expect(existsSync(pidFile), "the program ended before starting its child").toBe(true);
    const child = Number(readFileSync(pidFile, "utf8"));
    expect(running(child)).toBe(true);
    stop.abort();
    const result = await done;
    // Python ends on the SIGINT (KeyboardInterrupt) by that signal.
    expect(result.signal).toBe("SIGINT");
    // The child ignored the SIGINT: it was SIGKILLed after the program ended (2 s of grace).
    for (let i = 0; i < 200 && running(child); i++) await sleep(50);
    expect(running(child)).toBe(false);
  });
});
