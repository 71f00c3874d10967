/**
 * Writes scenario.schema.json at the root of the repository from the zod scenario schema.
 * Run it after changing src/scenario/schema.ts: `npx tsx scripts/write-schema.ts`.
 * A test fails while the committed file differs from what this writes.
 */
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/atomic.js";
import { scenarioJsonSchemaText } from "../src/scenario/json-schema.js";

const target = fileURLToPath(new URL("../scenario.schema.json", import.meta.url));
await writeFileAtomic(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
