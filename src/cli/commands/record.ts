import type { Command } from "commander";
import { record } from "../../capture/record.js";
import { recordingSummary } from "../../capture/summary.js";
import { parseDuration } from "../../engine/time.js";
import { type CliIO, UsageError } from "../io.js";

/** Parses --duration: a positive duration ("30s"). */
export function parseRecordDuration(text: string): number {
  const ns = parseDuration(text);
  if (ns === undefined || ns <= 0) throw new UsageError(`invalid --duration: ${text} (expected a duration like 30s)`);
  return ns / 1e6;
}

interface RecordFlags {
  out: string;
  duration?: number;
}

/** `gilsim record [--out FILE] [--duration D] -- python app.py ...` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("record")
    .description("run a Python program with gilsim's recorder and write what each request or task did (JSON lines)")
    .argument("<command...>", "the program, after --: gilsim record -- python3 app.py --port 8000")
    .option("--out <file>", "the recording to write", "recording.jsonl")
    .option(
      "--duration <time>",
      "stop the program and what it started (SIGINT; SIGKILL to what is left 10 s later) after this long, like 60s",
      parseRecordDuration,
    )
    .addHelpText(
      "after",
      "\nStop the program with Ctrl-C (or SIGTERM) when it has served enough traffic; the recording is written then.\nTasks: calls submitted to a ThreadPoolExecutor, http.server requests, asyncio.start_server connections,\nand code wrapped in gilsim_record.task(...) (see src/capture/py/gilsim_record.py).",
    )
    .action(async (command: string[], flags: RecordFlags) => {
      const result = await record({ command, out: flags.out, durationMs: flags.duration ?? null });
      for (const line of recordingSummary(result.recording)) io.err(line);
      if (result.tasks === 0) {
        io.err(`gilsim: warning: no tasks were recorded (is the program serving requests, and were any sent?)`);
      }
      io.out(`wrote ${flags.out}`);
      setExit(0);
    });
}
