import type { Command } from "commander";
import { applyProfile, readProfile } from "../real/profile.js";
import { loadScenarioInput } from "../scenario/load.js";

/** Adds `--profile FILE` (a machine profile written by `gilsim calibrate`) to a command. */
export function profileOption(command: Command): Command {
  return command.option(
    "--profile <file>",
    "a machine profile (gilsim calibrate): its measured costs where the scenario sets none",
  );
}

/** The raw scenario of a file or preset, with a machine profile's measured costs filled in when given. */
export function loadInput(fileOrPreset: string, profile: string | undefined): unknown {
  const input = loadScenarioInput(fileOrPreset);
  return profile ? applyProfile(input, readProfile(profile)) : input;
}
