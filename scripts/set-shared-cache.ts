/**
 * Sets machine.sharedCache in machine profiles and in the session profiles kept in random-validation
 * records, for profiles measured before `gilsim calibrate` detected it (src/real/topology.ts):
 *   npx tsx scripts/set-shared-cache.ts false data/profiles/*.json data/validation/random/seed-*\/*.json
 * A machine's cache topology does not change between calibrations, so this states a fact of the
 * machine they were measured on rather than a measurement of that session. Each file is rewritten
 * in the format its writer uses (writeProfile, writeRandomRecord); a record without a profile is
 * left alone.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { readProfile, writeProfile } from "../src/real/profile.js";
import { readRandomRecord, writeRandomRecord } from "../src/validate/record.js";

const [value, ...files] = process.argv.slice(2);
if ((value !== "true" && value !== "false") || files.length === 0) {
  console.error("usage: npx tsx scripts/set-shared-cache.ts true|false FILE.json...");
  process.exit(2);
}
const shared = value === "true";
let changed = 0;
for (const file of files) {
  const kind = (JSON.parse(readFileSync(file, "utf8")) as { kind?: string }).kind;
  if (kind === "random-validation") {
    const rec = readRandomRecord(file);
    if (!rec.profile) continue;
    rec.profile = { ...rec.profile, machine: { ...rec.profile.machine, sharedCache: shared } };
    // writeRandomRecord writes DIR/seed-S/ID.json: DIR is two levels above the file.
    await writeRandomRecord(dirname(dirname(resolve(file))), rec);
  } else {
    const profile = readProfile(file);
    await writeProfile(file, { ...profile, machine: { ...profile.machine, sharedCache: shared } });
  }
  changed++;
}
console.log(`machine.sharedCache = ${shared} in ${changed} file(s)`);
