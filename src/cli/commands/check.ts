import type { Command } from "commander";
import { ScenarioError } from "../../scenario/errors.js";
import { loadScenario } from "../../scenario/load.js";
import { type CliIO, UsageError } from "../io.js";

/** `gilsim check FILE...`: validates scenario files (or presets); exit 2 when any has a problem. */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("check")
    .description("check scenario files without running them")
    .argument("<files...>", "scenario .json files (or preset names)")
    .action((files: string[]) => {
      for (const file of files) {
        try {
          const scenario = loadScenario(file);
          io.out(`ok: ${file} (${scenario.name})`);
        } catch (error) {
          if (error instanceof ScenarioError) io.err(error.message);
          else if (error instanceof UsageError) io.err(`gilsim: ${error.message}`);
          else throw error;
          setExit(2);
        }
      }
    });
}
