import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cliCommand, presetOf, scenarioFileText, sweepCommand } from "../../src/explore/cli-command.js";
import { getPreset } from "../../src/scenario/presets.js";
import { tempDir } from "../temp.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scratch = tempDir("gilsim-explore-cli-");

describe("cliCommand", () => {
  test("cliCommand names an unchanged preset, with the seed", () => {
    expect(cliCommand(getPreset("convoy"), 7)).toBe("npx gilsim simulate convoy --seed 7");
    expect(presetOf({ ...getPreset("convoy"), seed: 2 })).toBeNull();
  });

  test("cliCommand writes an edited scenario to scenario.json and simulates it: the command runs in a shell", () => {
    const edited = { ...(getPreset("threads-cpu") as object), seed: 4, name: 'it\'s "edited"' };
    const command = cliCommand(edited, 4);
    expect(command).toContain("cat > scenario.json <<'EOF'");
    // `npx gilsim` in the scratch folder runs this checkout's CLI.
    const bin = join(scratch, "bin");
    mkdirSync(bin, { recursive: true });
    const shim = join(bin, "npx");
    writeFileSync(shim, `#!/bin/sh\nshift\nexec "${process.execPath}" "${join(ROOT, "bin/gilsim.js")}" "$@"\n`);
    chmodSync(shim, 0o755);
    const r = spawnSync("bash", ["-e", "-c", command], {
      cwd: scratch,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`it's "edited" (seed 4): 8 tasks arrived, 8 completed`);
  });

  test("scenarioFileText is two-space JSON with a final newline", () => {
    expect(scenarioFileText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});

describe("sweepCommand", () => {
  test("sweepCommand varies the setting the workers knob sets, and none for one thread", () => {
    expect(sweepCommand("threads", [1, 2])).toBe(
      "npx gilsim sweep scenario.json --vary executor.workers=1,2 --out sweep",
    );
    expect(sweepCommand("asyncio", [1])).toContain("executor.loops=1");
    expect(sweepCommand("asyncio-processes", [4])).toContain("executor.offload.workers=4");
    expect(sweepCommand("sync", [1])).toBeNull();
  });
});
