// Re-derives the runtime parameters of machine profiles from the measurements they keep, after a
// change to how the model composes those costs (src/real/runtime-map.ts), without measuring again:
//   npx tsx scripts/rederive-profiles.ts data/profiles/*.json data/validation/machine-profile.json
// With --add DIR, measurements of new experiments are merged in first: DIR/<version>.json, a
// profile of the same interpreter from `gilsim calibrate --only <experiments> --out 'DIR/{version}.json'`,
// gives its measured quantities (not its machine-load) to the profile before it is re-derived.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type MachineProfile, readProfile, writeProfile } from "../src/real/profile.js";
import { keptRoundTrips, runtimeFromMeasurements } from "../src/real/runtime-map.js";

const args = process.argv.slice(2);
let addDir: string | null = null;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--add") addDir = args[++i] ?? null;
  else files.push(args[i] as string);
}
if (files.length === 0 || (args.includes("--add") && addDir === null)) {
  console.error("usage: npx tsx scripts/rederive-profiles.ts [--add DIR] PROFILE.json...");
  process.exit(2);
}

function fail(message: string): never {
  console.error(`rederive-profiles: ${message}`);
  process.exit(2);
}

if (addDir !== null && !existsSync(addDir)) fail(`--add: no folder ${addDir}`);

for (const file of files) {
  let profile: MachineProfile;
  try {
    profile = readProfile(file);
  } catch (error) {
    fail((error as Error).message);
  }
  let measured = profile.measured;
  const added: string[] = [];
  if (addDir !== null) {
    const version = profile.python.split(".").slice(0, 2).join(".");
    const extra = join(addDir, `${version}.json`);
    if (!existsSync(extra)) console.error(`rederive-profiles: no ${extra}: nothing added to ${file}`);
    else {
      let more: MachineProfile;
      try {
        more = readProfile(extra);
      } catch (error) {
        fail((error as Error).message);
      }
      if (more.python !== profile.python)
        fail(`${extra} measured Python ${more.python}, ${file} Python ${profile.python}: not merged`);
      const { "machine-load": _load, ...rest } = more.measured;
      measured = { ...measured, ...rest };
      added.push(...Object.keys(rest));
    }
  }
  // The round trips by payload size, as their medians (the raw points are not kept).
  const roundTrips = keptRoundTrips(measured);
  const { runtime, derived, coldStart, timerTail } = runtimeFromMeasurements(measured, roundTrips);
  const old = profile.runtime as Record<string, unknown>;
  const changed = Object.keys(runtime).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(runtime[k]));
  if (coldStart && JSON.stringify(coldStart) !== JSON.stringify(profile.machine.coldStart))
    changed.push("machine.coldStart");
  if (timerTail && JSON.stringify(timerTail) !== JSON.stringify(profile.machine.timerTail))
    changed.push("machine.timerTail");
  await writeProfile(file, {
    ...profile,
    machine: { ...profile.machine, ...(coldStart ? { coldStart } : {}), ...(timerTail ? { timerTail } : {}) },
    runtime: { ...old, ...runtime },
    measured: { ...measured, ...derived },
  });
  const what = changed.length === 0 ? "unchanged" : `re-derived ${changed.join(", ")}`;
  console.log(`${file}: ${added.length > 0 ? `added ${added.length} measurements; ` : ""}${what}`);
}
