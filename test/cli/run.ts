import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** What one in-process run of the CLI printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `gilsim ...args` in-process with a CliIO that captures both streams (lines end in "\n", as on a terminal). */
export async function run(...args: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const line = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
  const io: CliIO = {
    out: (text) => {
      out += line(text);
    },
    err: (text) => {
      err += line(text);
    },
    isTTY: false,
  };
  const code = await main(args, io);
  return { code, out, err };
}
