// Re-derives the runtime parameters of machine profiles from the measurements they keep, after a
// change to how the model composes those costs (src/real/runtime-map.ts), without measuring again:
//   npx tsx scripts/rederive-profiles.ts data/profiles/*.json data/validation/machine-profile.json
import { readFileSync } from "node:fs";
import { writeFileAtomicSync } from "../src/io/atomic.js";
import type { MeasuredQuantity } from "../src/real/profile.js";
import { runtimeFromMeasurements } from "../src/real/runtime-map.js";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx scripts/rederive-profiles.ts PROFILE.json...");
  process.exit(2);
}
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    runtime: Record<string, unknown>;
    measured: Record<string, MeasuredQuantity>;
  };
  // The round trips by payload size, as their medians (the raw points are not kept).
  const roundTrips: [number, number][] = [];
  for (const [name, q] of Object.entries(profile.measured)) {
    const size = /^process-roundtrip-(\d+)$/.exec(name)?.[1];
    if (size !== undefined) roundTrips.push([Number(size), q.median]);
  }
  roundTrips.sort((a, b) => a[0] - b[0]);
  const { runtime, derived } = runtimeFromMeasurements(profile.measured, roundTrips);
  const changed = Object.keys(runtime).filter((k) => JSON.stringify(profile.runtime[k]) !== JSON.stringify(runtime[k]));
  profile.runtime = { ...profile.runtime, ...runtime };
  profile.measured = { ...profile.measured, ...derived };
  writeFileAtomicSync(file, `${JSON.stringify(profile, null, 2)}\n`);
  console.log(`${file}: ${changed.length === 0 ? "unchanged" : `re-derived ${changed.join(", ")}`}`);
}
