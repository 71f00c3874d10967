// Rewrites data/mechanisms/known-gaps.json from the comparison as it stands (after a model fix,
// to drop what now passes): npx tsx scripts/mechanisms-known-gaps.ts
import { writeFileAtomicSync } from "../src/io/atomic.js";
import { compareRecordings, readRecordings } from "../src/real/mechanisms/compare.js";
import { knownGapsOf } from "../src/real/mechanisms/known-gaps.js";

const rows = compareRecordings(readRecordings("data/mechanisms"), "data/profiles");
const gaps = knownGapsOf(rows);
writeFileAtomicSync("data/mechanisms/known-gaps.json", `${JSON.stringify(gaps, null, 1)}\n`);
console.log(
  `data/mechanisms/known-gaps.json: ${gaps.formatGaps.length} format gaps, ${gaps.failing.length} failing figures`,
);
