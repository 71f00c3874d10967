import type { Command } from "commander";
import { presetDescription, presetNames } from "../../scenario/presets.js";
import type { CliIO } from "../io.js";

/** `gilsim presets`: the preset names with their descriptions. */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  program
    .command("presets")
    .description("list the preset scenarios (use a name wherever a scenario file goes)")
    .action(() => {
      const names = presetNames();
      const width = Math.max(...names.map((n) => n.length));
      io.out(`${names.map((n) => `${n.padEnd(width)}  ${presetDescription(n)}`).join("\n")}\n`);
    });
}
