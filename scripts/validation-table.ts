/**
 * The README's table of the random-scenario validation, recomputed from the recordings in
 * data/validation/random with the current model. Prints it; with --write, replaces the text between
 * the README's `<!-- random-validation:start -->` and `<!-- random-validation:end -->` markers.
 * Run it after a model change: `npx tsx scripts/validation-table.ts --write`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/atomic.js";
import { evaluateRecord, profileSource } from "../src/validate/errors.js";
import { RANDOM_DATA_DIR, RANDOM_SETS, readSet } from "../src/validate/record.js";
import { readmeSection } from "../src/validate/report.js";

const START = "<!-- random-validation:start -->";
const END = "<!-- random-validation:end -->";

const source = profileSource();
const load = (seed: number) => {
  const records = [...readSet(RANDOM_DATA_DIR, seed).values()];
  return { records, results: records.map((r) => evaluateRecord(r, source)) };
};
const section = readmeSection(load(RANDOM_SETS.heldOut.seed), load(RANDOM_SETS.development.seed));

if (process.argv.includes("--write")) {
  const readme = fileURLToPath(new URL("../README.md", import.meta.url));
  const text = readFileSync(readme, "utf8");
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) {
    process.stderr.write(`gilsim: ${readme} has no ${START} ... ${END} markers\n`);
    process.exit(2);
  }
  await writeFileAtomic(readme, `${text.slice(0, a + START.length)}\n${section}\n${text.slice(b)}`);
  process.stdout.write(`wrote the random-validation table into ${readme}\n`);
} else {
  process.stdout.write(`${section}\n`);
}
