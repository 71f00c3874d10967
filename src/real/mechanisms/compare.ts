import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PYTHON_VERSIONS } from "../../model/profiles.js";
import { type RunResult, simulate } from "../../model/simulate.js";
import { parseScenario } from "../../scenario/scenario.js";
import { applyProfile, type MachineProfile, readProfile } from "../profile.js";
import { type FigureSummary, type MechanismRecording, readRecording } from "./record.js";
import { type Experiment, type FigureUnit, figureId, MECHANISMS, type SimContext } from "./registry.js";

/*
 * Real against simulated, figure by figure: each expressible experiment simulated with the
 * version's defaults and with the machine profile recorded for that version, beside the
 * recording's median and range. A figure meets the target when the simulated value is within
 * TOLERANCE of the real median, or inside the real range [min, max] across repeats.
 */

export const TOLERANCE = 0.1;
export type ParamSet = "defaults" | "profile";
export const PARAM_SETS: readonly ParamSet[] = ["defaults", "profile"];

export interface ComparisonRow {
  /** "gil-threads/slice.median.n2". */
  figure: string;
  experiment: string;
  key: string;
  unit: FigureUnit;
  what: string;
  /** "3.11". */
  version: string;
  params: ParamSet;
  real: FigureSummary;
  /** Null when not simulated: a format gap, no profile for the version, or the run gave no value. */
  simulated: number | null;
  /** (simulated - real median) / |real median|; null when either is missing or the median is 0. */
  error: number | null;
  within: boolean;
  /** Why there is no simulated value. */
  note?: string;
}

/** Whether a simulated value meets the target against a recorded figure. */
export function withinTarget(simulated: number, real: Pick<FigureSummary, "median" | "min" | "max">): boolean {
  if (simulated >= real.min && simulated <= real.max) return true;
  return Math.abs(simulated - real.median) <= TOLERANCE * Math.abs(real.median);
}

/** The recordings in a folder (every <version>.json with format 1), by version. */
export function readRecordings(dir: string): MechanismRecording[] {
  if (!existsSync(dir)) return [];
  const out: MechanismRecording[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/^\d+\.\d+t?\.json$/.test(name)) continue;
    const rec = readRecording(join(dir, name));
    if (rec) out.push(rec);
  }
  return out.sort((a, b) => Number(a.python.minor.split(".")[1]) - Number(b.python.minor.split(".")[1]));
}

/** The machine profile recorded for a version (dir/<minor>.json), or null. */
export function profileFor(dir: string, minor: string): MachineProfile | null {
  const path = join(dir, `${minor}.json`);
  return existsSync(path) ? readProfile(path) : null;
}

/** Simulates one experiment's cases for a context and parameter set: figure key -> value. */
export function simulateExperiment(
  exp: Experiment,
  ctx: SimContext,
  profile: MachineProfile | null,
): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const c of exp.cases) {
    const inputs = c.scenarios(ctx);
    if (inputs === null) continue;
    const runs: RunResult[] = inputs.map((input) => simulate(parseScenario(applyProfile(input, profile))));
    const figures = c.extract(runs, ctx);
    for (const key of c.figures) out.set(key, figures[key] ?? null);
  }
  return out;
}

/** Every comparison row for the recordings, with both parameter sets. */
export function compareRecordings(
  recordings: readonly MechanismRecording[],
  profilesDir: string,
  onExperiment?: (version: string, experiment: string) => void,
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const rec of recordings) {
    const version = rec.python.minor;
    const known = (PYTHON_VERSIONS as readonly string[]).includes(version);
    const profile = known ? profileFor(profilesDir, version) : null;
    for (const exp of MECHANISMS) {
      const recorded = rec.experiments[exp.id];
      if (!recorded) continue;
      onExperiment?.(version, exp.id);
      const ctx: SimContext = {
        python: version,
        cores: rec.machine.cores,
        real: (key) => recorded.figures[key]?.median ?? null,
      };
      const gaps = new Map(exp.gaps.flatMap((g) => g.figures.map((f) => [f, g.need] as const)));
      const sims: Record<ParamSet, Map<string, number | null> | null> = {
        defaults: known ? simulateExperiment(exp, ctx, null) : null,
        profile: known && profile ? simulateExperiment(exp, ctx, profile) : null,
      };
      for (const f of exp.figures) {
        if (f.role !== "compared") continue;
        const real = recorded.figures[f.key];
        if (!real) continue;
        for (const params of PARAM_SETS) {
          const sim = sims[params];
          const simulated = sim?.get(f.key) ?? null;
          const note = gaps.has(f.key)
            ? "format gap"
            : !known
              ? `no version profile for ${version}`
              : sim === null
                ? `no machine profile for ${version}`
                : simulated === null
                  ? "no simulated value"
                  : undefined;
          const error =
            simulated !== null && real.median !== 0 ? (simulated - real.median) / Math.abs(real.median) : null;
          rows.push({
            figure: figureId(exp.id, f.key),
            experiment: exp.id,
            key: f.key,
            unit: f.unit,
            what: f.what,
            version,
            params,
            real,
            simulated,
            error,
            within: simulated !== null && withinTarget(simulated, real),
            ...(note ? { note } : {}),
          });
        }
      }
    }
  }
  return rows;
}

/** A value in its unit, short: "5.02 ms", "38%", "1.84x", "1,234/s". */
export function formatValue(x: number, unit: FigureUnit): string {
  if (unit === "share") return `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
  if (unit === "ratio") return `${x.toFixed(2)}x`;
  if (unit === "per-second") return `${x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3)}/s`;
  if (unit === "count") return String(Math.round(x));
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)} s`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)} ms`;
  if (a >= 1e3) return `${(x / 1e3).toPrecision(3)} µs`;
  return `${Math.round(x)} ns`;
}

export function formatError(e: number | null): string {
  if (e === null) return "";
  const pct = e * 100;
  return `${pct >= 0 ? "+" : ""}${Math.abs(pct) >= 100 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** The table's cells: figure, version, params, real median [min..max], simulated, error, within. */
export function rowCells(r: ComparisonRow): string[] {
  return [
    r.figure,
    r.version,
    r.params,
    `${formatValue(r.real.median, r.unit)} [${formatValue(r.real.min, r.unit)}..${formatValue(r.real.max, r.unit)}]`,
    r.simulated === null ? `- (${r.note ?? "none"})` : formatValue(r.simulated, r.unit),
    formatError(r.error),
    r.simulated === null ? "-" : r.within ? "yes" : "NO",
  ];
}

export const ROW_HEADER = ["figure", "version", "params", "real median [range]", "simulated", "error", "within"];

/** The comparison as a markdown document. */
export function markdownReport(rows: readonly ComparisonRow[], recordings: readonly MechanismRecording[]): string {
  const lines: string[] = [
    "# Mechanism suite: real CPython against the model",
    "",
    "Written by `gilsim calibrate --mechanisms --compare` from the recordings in this folder; do not edit.",
    "Each figure is simulated with the version's defaults and with the machine profile recorded for that",
    `version (data/profiles/). Target: within ${TOLERANCE * 100}% of the real median, or inside the real range`,
    "(min..max across repeats). The experiments are described in docs/mechanisms.md.",
    "",
    "## Recordings",
    "",
    "| version | build | date | machine | load before / after | others' CPU (un-niced) | flags |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const rec of recordings) {
    const la = (l: [number, number, number] | null) => (l ? l[0].toFixed(2) : "?");
    const d = rec.load.during;
    lines.push(
      `| ${rec.python.version} | ${String(rec.python.build.compiler ?? "")} | ${rec.date.slice(0, 16).replace("T", " ")} | ${rec.machine.cores} × ${rec.machine.cpu ?? "?"}, ${rec.machine.kernel ?? "?"} | ${la(rec.load.before)} / ${la(rec.load.after)} | ${d ? `${(d.others * 100).toFixed(0)}% (${(d.othersUnniced * 100).toFixed(0)}%)` : "?"} | ${rec.flags.length === 0 ? "none" : rec.flags.length} |`,
    );
  }
  const compared = rows.filter((r) => r.simulated !== null);
  lines.push(
    "",
    "## Summary",
    "",
    "| params | figures simulated | within target | format gaps |",
    "| --- | --- | --- | --- |",
  );
  for (const p of PARAM_SETS) {
    const mine = rows.filter((r) => r.params === p);
    const sim = compared.filter((r) => r.params === p);
    lines.push(
      `| ${p} | ${sim.length} | ${sim.filter((r) => r.within).length} | ${mine.filter((r) => r.note === "format gap").length} |`,
    );
  }
  lines.push("", "## Figures", "", `| ${ROW_HEADER.join(" | ")} |`, `| ${ROW_HEADER.map(() => "---").join(" | ")} |`);
  for (const r of rows) lines.push(`| ${rowCells(r).join(" | ")} |`);
  const flagged = recordings.filter((r) => r.flags.length > 0);
  if (flagged.length > 0) {
    lines.push("", "## Flags", "");
    for (const rec of flagged) for (const f of rec.flags) lines.push(`- ${rec.python.minor}: ${f}`);
  }
  return `${lines.join("\n")}\n`;
}
