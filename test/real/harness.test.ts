import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { buildJob, type HarnessJob } from "../../src/real/job.js";
import { normalizeRealOptions } from "../../src/real/options.js";
import { harnessPath } from "../../src/real/process.js";
import { type HarnessRecord, parseRecord } from "../../src/real/records.js";
import { scenario } from "../../src/scenario/scenario.js";
import { tempDir } from "../temp.js";

const tmp = tempDir("gilsim-harness-");

/** Runs `python harness.py <job file>` (the harness's own command line) and returns its lines and exit status. */
function runFile(
  python: string,
  job: unknown,
  name: string,
): Promise<{ code: number; lines: string[]; stderr: string }> {
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, typeof job === "string" ? job : JSON.stringify(job));
  return new Promise((resolve) => {
    execFile(python, [harnessPath(), file], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({
        code,
        lines: String(stdout)
          .split("\n")
          .filter((l) => l !== ""),
        stderr: String(stderr),
      });
    });
  });
}

const mixed = scenario({
  executor: { kind: "asyncio", offload: { kind: "processes", workers: 2, startMethod: "fork" } },
  workload: {
    arrivals: { kind: "fixed", rate: "500/s", count: 3 },
    concurrency: 2,
    classes: [
      {
        steps: [
          { cpu: "1ms" },
          { io: "1ms" },
          {
            offload: [
              { cpu: "2ms", gil: "release" },
              { cpu: "1ms", gil: "hold" },
            ],
          },
          { block: "1ms" },
        ],
      },
    ],
  },
});
const job: HarnessJob = {
  ...buildJob(mixed, normalizeRealOptions({ calibration: { trials: 3, probeMs: 1 } })),
  watchStdin: false,
};

const VERSIONS = ["3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0"];

describe("harness.py", () => {
  test.each(VERSIONS)(
    "harness.py <job> on CPython %s writes format-1 records: hello, calibration, threads, steps, tasks, done",
    async (version) => {
      const python = `/root/.pyenv/versions/${version}/bin/python3`;
      if (!existsSync(python)) {
        console.warn(`skipped: Python ${version} is not installed at ${python}`);
        return;
      }
      const { code, lines, stderr } = await runFile(python, job, `job-${version}`);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const records: HarnessRecord[] = lines.map(parseRecord);
      const types = records.map((r) => r.type);
      expect(types.slice(0, 2)).toEqual(["hello", "calibration"]);
      expect(types.at(-2)).toBe("calibration");
      expect(types.at(-1)).toBe("done");
      const hello = records[0];
      if (hello?.type !== "hello") throw new Error("expected a hello record first");
      expect(hello.python).toBe(version);
      const done = records.at(-1);
      expect(done?.type === "done" && [done.completed, done.total, done.truncated]).toEqual([3, 3, false]);
      const steps = records.flatMap((r) => (r.type === "step" ? [r] : []));
      for (const task of job.tasks) {
        const mine = steps.filter((s) => s.task === task.id);
        expect(mine.map((s) => `${s.path.join(".")}:${s.kind}:${s.demand}`).sort()).toEqual([
          "0:cpu:1000000",
          "1:io:1000000",
          "2.0:cpu:2000000",
          "2.1:cpu:1000000",
          "2:offload:0",
          "3:block:1000000",
        ]);
        // Offloaded steps ran in a worker process, the others in the harness's own.
        for (const s of mine) expect(s.thread.startsWith(`${hello.pid}:`)).toBe(s.path.length === 1);
      }
      expect(records.filter((r) => r.type === "task")).toHaveLength(3);
    },
  );

  test("a forked worker inherits the harness's hashing buffer and every payload is made once: no start-up work the scenario does not describe", async () => {
    // process_init builds its own buffer only when the parent's is missing (spawn, forkserver) or
    // of another size; payload_bytes gives the same object for a size every time.
    const code = [
      "import importlib.util, sys",
      `spec = importlib.util.spec_from_file_location("h", ${JSON.stringify(harnessPath())})`,
      "h = importlib.util.module_from_spec(spec); spec.loader.exec_module(h)",
      "rates = {'pythonItersPerUs': 10.0, 'releaseBytesPerUs': 500.0, 'holdUnitsPerUs': 10.0}",
      "h.process_init(rates, 4096, 0, 5000000)",
      "own = h.STATE.kernels is not None and h.STATE.kernels.chunk == 4096",
      "h.PARENT_KERNELS = h.Kernels(4096)",
      "h.process_init(rates, 4096, 0, 5000000)",
      "inherited = h.STATE.kernels is h.PARENT_KERNELS",
      "h.process_init(rates, 8192, 0, 5000000)",
      "other = h.STATE.kernels is not h.PARENT_KERNELS and h.STATE.kernels.chunk == 8192",
      "same = h.payload_bytes(65536) is h.payload_bytes(65536) and len(h.payload_bytes(65536)) == 65536",
      "print(own, inherited, other, same)",
    ].join("\n");
    const out = await new Promise<string>((resolve, reject) =>
      execFile("python3", ["-c", code], { timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(String(stderr))) : resolve(String(stdout).trim()),
      ),
    );
    expect(out).toBe("True True True True");
  });

  test("harness.py with a job that is not JSON writes one error line and exits 1", async () => {
    const { code, lines } = await runFile("python3", "{nope", "broken");
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    const r = parseRecord(lines[0] ?? "");
    expect(r.type).toBe("error");
    expect(r.type === "error" && r.message).toMatch(/^the job is not valid JSON: /);
  });

  test("harness.py refuses a job of another format, naming the field", async () => {
    const { code, lines } = await runFile("python3", { ...job, format: 2 }, "format2");
    expect(code).toBe(1);
    expect(lines.map(parseRecord)).toEqual([{ type: "error", message: 'the job has no "format": 1 field (got 2)' }]);
  });
});
