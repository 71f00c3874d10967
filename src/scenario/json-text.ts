import { parseJsonText as parseText } from "../io/json-text.js";
import { ScenarioError } from "./errors.js";

export { findJsonError } from "../io/json-text.js";

/*
 * A scenario's JSON text, from a file or pasted into a page: parsed, or one line saying where the
 * syntax breaks (src/io/json-text.ts finds it without recursion). No file system here, so a
 * browser uses the same words as the CLI.
 */

/** The JSON value of `text` (a leading byte-order mark is ignored); a ScenarioError naming `source`, line and column when it is not JSON. */
export function parseJsonText(text: string, source: string): unknown {
  const parsed = parseText(text);
  if (!parsed.ok) throw new ScenarioError([parsed.problem], source);
  return parsed.value;
}
