import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../../src/capture/record.js";
import { UsageError } from "../../src/io/usage-error.js";
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

/** Process group and session of a process, from /proc. */
function groupAndSession(pid: number | "self"): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(f[2]), Number(f[3])];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPython() || process.platform !== "linux")("gilsim record stops what the program started", () => {
  it("a child in the program's process group, deaf to SIGINT, does not outlive a stopped recording; a child in a session of its own does; the program stays in gilsim's group and session", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir("gilsim-record-stop-");
    const info = join(dir, "info.json");
    // Two children that ignore SIGINT (python -I: without the recorder): one in the program's
    // process group, one in a session of its own (a daemon meant to outlive it).
    const deaf = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)";
    const program = [
      "import json, os, subprocess, sys, time",
      `inside = subprocess.Popen([sys.executable, '-I', '-c', ${JSON.stringify(deaf)}])`,
      `apart = subprocess.Popen([sys.executable, '-I', '-c', ${JSON.stringify(deaf)}], start_new_session=True)`,
      "me = {'inside': inside.pid, 'apart': apart.pid, 'pgid': os.getpgid(0), 'sid': os.getsid(0)}",
      `open(${JSON.stringify(`${info}.tmp`)}, 'w').write(json.dumps(me))`,
      `os.rename(${JSON.stringify(`${info}.tmp`)}, ${JSON.stringify(info)})`,
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
    // Stop once the children run (no wall-clock guess about how long that takes); a program
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
    while (!existsSync(info) && !ended) await sleep(50);
    expect(existsSync(info), "the program ended before starting its children").toBe(true);
    const me = JSON.parse(readFileSync(info, "utf8")) as { inside: number; apart: number; pgid: number; sid: number };
    try {
      // Not moved out of the terminal's job: same process group and session as gilsim.
      expect([me.pgid, me.sid]).toEqual(groupAndSession("self"));
      expect(running(me.inside)).toBe(true);
      stop.abort();
      const result = await done;
      // Python ends on the SIGINT (KeyboardInterrupt) by that signal.
      expect(result.signal).toBe("SIGINT");
      // The child in the group ignored the SIGINT: SIGKILLed after the program ended (2 s of grace).
      for (let i = 0; i < 200 && running(me.inside); i++) await sleep(50);
      expect(running(me.inside)).toBe(false);
      expect(running(me.apart)).toBe(true);
    } finally {
      for (const pid of [me.inside, me.apart]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
  });

  it("a program stopped before its recorder started says so, and writes nothing", { timeout: 60_000 }, async () => {
    const dir = tempDir("gilsim-record-early-");
    const out = join(dir, "rec.jsonl");
    const stop = new AbortController();
    stop.abort();
    await expect(
      record({
        command: ["python3", "-c", "import time; time.sleep(60)"],
        out,
        stdio: "pipe",
        forwardSignals: false,
        stopSignal: stop.signal,
      }),
    ).rejects.toThrow(/python3 was stopped before the recorder had started in it/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses an output in a folder that does not exist before running anything", async () => {
    const dir = tempDir("gilsim-record-nofolder-");
    const out = join(dir, "missing", "rec.jsonl");
    const run = record({
      command: ["python3", "-c", "raise SystemExit(3)"],
      out,
      stdio: "pipe",
      forwardSignals: false,
    });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(/no folder .*missing to write rec\.jsonl in/);
  });
});
