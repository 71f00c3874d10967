// Re-derives the runtime parameters of machine profiles from the measurements they keep, after a
// change to how the model composes those costs (src/real/runtime-map.ts), without measuring again:
//   npx tsx scripts/rederive-profiles.ts data/profiles/*.json data/validation/machine-profile.json
import { type MachineProfile, readProfile, writeProfile } from "../src/real/profile.js";
import { runtimeFromMeasurements } from "../src/real/runtime-map.js";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx scripts/rederive-profiles.ts PROFILE.json...");
  process.exit(2);
}
for (const file of files) {
  let profile: MachineProfile;
  try {
    profile = readProfile(file);
  } catch (error) {
    console.error(`rederive-profiles: ${(error as Error).message}`);
    process.exit(2);
  }
  // The round trips by payload size, as their medians (the raw points are not kept).
  const roundTrips: [number, number][] = [];
  for (const [name, q] of Object.entries(profile.measured)) {
    const size = /^process-roundtrip-(\d+)$/.exec(name)?.[1];
    if (size !== undefined) roundTrips.push([Number(size), q.median]);
  }
  roundTrips.sort((a, b) => a[0] - b[0]);
  const { runtime, derived } = runtimeFromMeasurements(profile.measured, roundTrips);
  const old = profile.runtime as Record<string, unknown>;
  const changed = Object.keys(runtime).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(runtime[k]));
  await writeProfile(file, {
    ...profile,
    runtime: { ...old, ...runtime },
    measured: { ...profile.measured, ...derived },
  });
  console.log(`${file}: ${changed.length === 0 ? "unchanged" : `re-derived ${changed.join(", ")}`}`);
}
