import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { removeTempsOnSignal } from "../io/temp-files.js";
import { ScenarioError } from "../scenario/errors.js";
import * as calibrate from "./commands/calibrate.js";
import * as check from "./commands/check.js";
import * as compare from "./commands/compare.js";
import * as fit from "./commands/fit.js";
import * as importCommand from "./commands/import.js";
import * as merge from "./commands/merge.js";
import * as presets from "./commands/presets.js";
import * as real from "./commands/real.js";
import * as recommend from "./commands/recommend.js";
import * as recordCommand from "./commands/record.js";
import * as simulate from "./commands/simulate.js";
import * as sweep from "./commands/sweep.js";
import * as trace from "./commands/trace.js";
import * as validate from "./commands/validate.js";
import { type CliIO, endQuietlyOnBrokenPipe, processIO, UsageError } from "./io.js";

/*
 * The gilsim command line. Exit codes: 0 success; 2 a usage or scenario problem (bad option,
 * unknown preset, missing file, invalid scenario), with one line per problem on stderr; 1 any
 * other failure, as `gilsim: <message>`.
 */

/** Every command, in the order `gilsim --help` lists them. */
const COMMANDS = [
  simulate,
  check,
  trace,
  presets,
  sweep,
  merge,
  recommend,
  real,
  compare,
  calibrate,
  validate,
  recordCommand,
  importCommand,
  fit,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Builds the program with its output going to `io` and its errors thrown, not exiting. */
export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command("gilsim")
    .description("Deterministic simulation of CPython's asyncio loop, thread and process pools, and the GIL")
    .version(version(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError("(add --help for usage)")
    .helpCommand(false);
  for (const command of COMMANDS) command.register(program, io, setExit);
  return program;
}

/** Runs the CLI with `argv` (the arguments after the program name) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  // As the command line (not in-process, as tests run it), Ctrl-C and SIGTERM remove the temporary files in use.
  if (io === processIO) removeTempsOnSignal();
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    // Commander has already written its message (or the help) through configureOutput.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ScenarioError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof UsageError) {
      io.err(`gilsim: ${error.message}`);
      return 2;
    }
    io.err(`gilsim: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Commands that start child processes (workers, python3): SIGPIPE must not end them (see io.ts). */
const WITH_CHILDREN = new Set(["sweep", "recommend", "real", "compare", "calibrate"]);

/** Runs the CLI as this process: its arguments, its exit code, a quiet end on a broken pipe. */
export async function runProcess(): Promise<void> {
  const argv = process.argv.slice(2);
  endQuietlyOnBrokenPipe(!argv.some((a) => WITH_CHILDREN.has(a)));
  process.exitCode = await main(argv);
}

// `tsx src/cli/main.ts ...` (npm run gilsim) runs the CLI; bin/gilsim.js calls runProcess instead.
if (isEntryPoint()) await runProcess();
