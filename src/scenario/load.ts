import { readFileSync, statSync } from "node:fs";
import { readFailure } from "../io/read-failure.js";
import { UsageError } from "../io/usage-error.js";
import { parseJsonText } from "./json-text.js";
import { getPreset, presetNames } from "./presets.js";
import { parseScenario, type Scenario } from "./scenario.js";

/*
 * Where the CLI, sweeps and notebooks get a scenario from: a JSON file, or a preset by name.
 * A path ending in .json, or any existing file, is read as a file; anything else is a preset name.
 */

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The raw scenario object, before parsing: the parsed JSON of a file or a fresh copy of a preset,
 * for callers that edit it first (sweeps). Parse it with `parseScenario(input, fileOrPreset)`.
 * Throws a UsageError for a missing file or an unknown name, a ScenarioError for bad JSON.
 */
export function loadScenarioInput(fileOrPreset: string): unknown {
  if (fileOrPreset.endsWith(".json") || isFile(fileOrPreset)) return readJsonFile(fileOrPreset);
  const preset = getPreset(fileOrPreset);
  if (preset) return preset;
  throw new UsageError(
    `unknown scenario: ${JSON.stringify(fileOrPreset)} (expected a .json file or a preset: ${presetNames().join(", ")})`,
  );
}

/** Loads and parses a scenario file or a preset; errors name the file. */
export function loadScenario(fileOrPreset: string): Scenario {
  return parseScenario(loadScenarioInput(fileOrPreset), fileOrPreset);
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const why = readFailure(error);
    throw new UsageError(`cannot read scenario file ${JSON.stringify(path)} (${why})`);
  }
  return parseJsonText(text, path);
}
