import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the gilsim CLI in-process, capturing what it prints and its exit code. */
export async function runCli(args: string[], isTTY = false): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIO = {
    out: (t) => {
      out += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      err += t.endsWith("\n") ? t : `${t}\n`;
    },
    isTTY,
  };
  const code = await main(args, io);
  return { code, out, err };
}
