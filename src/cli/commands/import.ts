import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_RELEASE_SHARE, otelToRecording, parseOtlpJson } from "../../capture/otel.js";
import { parseRecording } from "../../capture/recording.js";
import { recordingSummary } from "../../capture/summary.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { readFailure } from "../../io/read-failure.js";
import { type CliIO, UsageError } from "../io.js";

/** Parses --release-share: a number from 0 to 1. */
export function parseReleaseShare(text: string): number {
  const x = Number(text.trim());
  if (text.trim() === "" || !(x >= 0 && x <= 1)) {
    throw new UsageError(`invalid --release-share: ${text} (expected a number from 0 to 1)`);
  }
  return x;
}

interface OtelFlags {
  out?: string;
  releaseShare: number;
  python?: string;
}

/** `gilsim import otel FILE [--out recording.jsonl] [--release-share 0.2] [--python 3.12]` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const imp = program.command("import").description("turn traces from other tools into a gilsim recording");
  imp
    .command("otel")
    .description(
      "read an OTLP/JSON trace export: SERVER spans are requests, CLIENT and database spans IO, the rest CPU",
    )
    .argument("<file>", "an OTLP/JSON export (one ExportTraceServiceRequest, or one per line)")
    .option("--out <file>", "the recording to write (default: FILE with .recording.jsonl)")
    .option(
      "--release-share <x>",
      `share of each request's own (non-IO) time that is C code releasing the GIL (default ${DEFAULT_RELEASE_SHARE}: all pure Python)`,
      parseReleaseShare,
      DEFAULT_RELEASE_SHARE,
    )
    .option("--python <version>", "the interpreter the service ran on, written in the recording (like 3.12)")
    .addHelpText("after", "\nThen: gilsim fit RECORDING --executor threads:N --out scenario.json")
    .action(async (file: string, flags: OtelFlags) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        throw new UsageError(`cannot read the trace export ${file} (${readFailure(error)})`);
      }
      const lines = otelToRecording(
        parseOtlpJson(text, file),
        { releaseShare: flags.releaseShare, python: flags.python ?? null },
        file,
      );
      const out = flags.out ?? `${file.replace(/\.json$/, "")}.recording.jsonl`;
      const body = `${lines.join("\n")}\n`;
      for (const line of recordingSummary(parseRecording(body, out))) io.err(line);
      await writeFileAtomic(out, body);
      io.out(`wrote ${out}`);
      setExit(0);
    });
}
