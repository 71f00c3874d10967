import type { z } from "zod";
import { shorten } from "../io/shorten.js";

/** The most lines an error message shows: the problems beyond it are counted, not printed. */
export const MAX_PROBLEM_LINES = 20;
/** The longest line of an error message. */
const MAX_LINE = 300;

/**
 * The message of a list of problems: one line per problem, each starting with the source; with
 * more than MAX_PROBLEM_LINES, the first ones and then "... and N more problems", so a file of a
 * million unknown keys prints 20 lines, not a million.
 */
export function problemLines(problems: readonly string[], source: string): string[] {
  const fits = problems.length <= MAX_PROBLEM_LINES;
  const shown = fits ? problems : problems.slice(0, MAX_PROBLEM_LINES - 1);
  const lines = shown.map((p) => shorten(`${source}: ${p}`, MAX_LINE));
  if (!fits) lines.push(`${shorten(source, MAX_LINE / 2)}: ... and ${problems.length - shown.length} more problems`);
  return lines;
}

/** A scenario that failed validation: one line per problem, each naming the path, the value and what was expected. */
export class ScenarioError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source = "scenario",
  ) {
    super(problemLines(problems, source).join("\n"));
    this.name = "ScenarioError";
  }
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** The longest key a path shows (a 1 MB key is cut, marked with "..."). */
const MAX_KEY = 40;
/** The longest path shown: the start and the end of a deeper one, with "..." between. */
const MAX_PATH = 160;

/** Formats a path as `workload.classes[0].steps[1].cpu`, cutting long keys and long paths. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const text = shorten(String(key), MAX_KEY);
      out += out === "" ? text : `.${text}`;
    }
  }
  if (out.length > MAX_PATH) out = `${out.slice(0, MAX_PATH / 2 - 2)}...${out.slice(-(MAX_PATH / 2 - 2))}`;
  return out === "" ? "(top level)" : out;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number") return String(value);
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/** zod's own wording ("Invalid input: expected number, received string") in the style of the rest. */
function expectedText(issue: Issue): string {
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "invalid_value" && /^Invalid (input|option)/.test(issue.message)) {
    const values = issue.values.map((v) => JSON.stringify(v));
    return values.length === 1
      ? `expected ${values[0]}`
      : `expected ${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

function line(path: readonly PathKey[], expected: string, input: unknown, hasInput: boolean): string {
  if (!hasInput) return `${formatPath(path)}: ${expected}`;
  if (input === undefined) return `${formatPath(path)}: missing (${expected})`;
  return `${formatPath(path)}: ${show(input)} is invalid (${expected})`;
}

/**
 * A branch of a union does not fit when it fails at its own root: wrong type, unknown keys, a
 * literal of another value, or an inner union.
 */
function rejects(branch: readonly Issue[]): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === "invalid_type" ||
        i.code === "unrecognized_keys" ||
        i.code === "invalid_value" ||
        i.code === "invalid_union"),
  );
}

/**
 * Turns zod issues into one line per problem. A union reports the problems of the one branch
 * that fits the value (the step with the "cpu" key, the distribution with its "dist"), or its own
 * message when none fits.
 */
export function formatIssues(issues: readonly Issue[], prefix: readonly PathKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    let hasInput = "input" in issue;
    let input = (issue as { input?: unknown }).input;
    // A check on a whole object (a discriminator, a refinement with a path) names one field:
    // show that field's value, or "missing" for an absent discriminator.
    const discriminator = issue.code === "invalid_union" && "discriminator" in issue;
    let fromObject = false;
    if (input !== null && typeof input === "object" && (discriminator || issue.code === "custom")) {
      const key = path[path.length - 1];
      if (issue.path.length > 0 && typeof key === "string" && key in input) {
        input = (input as Record<string, unknown>)[key];
        fromObject = true;
      } else if (discriminator) input = undefined;
      else hasInput = false;
    }
    // A refinement sees parsed values (a duration in ns): do not show those as if they were written.
    if (issue.code === "custom" && fromObject && typeof input === "number") hasInput = false;
    if (issue.code === "invalid_union" && !discriminator) {
      const branches = issue.errors ?? [];
      const fitting = branches.filter((b) => !rejects(b));
      if (fitting.length > 0) {
        const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
        lines.push(...formatIssues(best, path));
        continue;
      }
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatPath([...path, key])}: unknown option`);
      continue;
    }
    lines.push(line(path, expectedText(issue), input, hasInput));
  }
  return [...new Set(lines)];
}
