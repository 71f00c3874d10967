import { statSync } from "node:fs";
import { InputReadError, readInputFile } from "../io/read-input.js";
import { shorten } from "../io/shorten.js";
import { UsageError } from "../io/usage-error.js";
import { parseJsonText } from "./json-text.js";
import { getPreset, presetNames } from "./presets.js";
import { parseScenario, type Scenario } from "./scenario.js";

/*
 * Where the CLI, sweeps and notebooks get a scenario from: a JSON file, or a preset by name.
 * A path ending in .json, or anything that exists and is not a folder (a pipe such as
 * `<(cat file.json)` too), is read as a file; then a preset's name; then a path with a slash.
 */

export { findJsonError } from "../io/json-text.js";

/** "file" for anything that exists and is not a folder (a pipe like `<(cat f.json)` too), "folder", or null. */
function pathKind(path: string): "file" | "folder" | null {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return null;
  }
}

/**
 * The raw scenario object, before parsing: the parsed JSON of a file or a fresh copy of a preset,
 * for callers that edit it first (sweeps). Parse it with `parseScenario(input, fileOrPreset)`.
 * Throws a UsageError for a missing file or an unknown name, a ScenarioError for bad JSON.
 */
export function loadScenarioInput(fileOrPreset: string): unknown {
  const kind = pathKind(fileOrPreset);
  if (fileOrPreset.endsWith(".json") || kind === "file") return readJsonFile(fileOrPreset);
  const preset = getPreset(fileOrPreset);
  if (preset) return preset;
  if (kind === "folder" || /[/\\]/.test(fileOrPreset)) return readJsonFile(fileOrPreset);
  throw new UsageError(
    `unknown scenario: ${JSON.stringify(shorten(fileOrPreset))} (expected a .json file or a preset: ${presetNames().join(", ")})`,
  );
}

/** Loads and parses a scenario file or a preset; errors name the file. */
export function loadScenario(fileOrPreset: string): Scenario {
  return parseScenario(loadScenarioInput(fileOrPreset), fileOrPreset);
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readInputFile(path);
  } catch (error) {
    if (!(error instanceof InputReadError)) throw error;
    throw new UsageError(`cannot read scenario file ${JSON.stringify(shorten(path))} (${error.why})`);
  }
  return parseJsonText(text, path);
}
