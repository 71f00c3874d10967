import type { z } from "zod";

/** A scenario that failed validation: one line per problem, each naming the path, the value and what was expected. */
export class ScenarioError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source = "scenario",
  ) {
    super(problems.map((p) => `${source}: ${p}`).join("\n"));
    this.name = "ScenarioError";
  }
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** Formats a path as `workload.classes[0].steps[1].cpu`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function line(path: readonly PathKey[], message: string, input: unknown, hasInput: boolean): string {
  const expected = message.replace(/^Invalid input: /, "");
  if (!hasInput) return `${formatPath(path)}: ${expected}`;
  if (input === undefined) return `${formatPath(path)}: missing (${expected})`;
  return `${formatPath(path)}: ${show(input)} is invalid (${expected})`;
}

/** A branch of a union does not fit when it fails at its own root: wrong type, unknown keys, or an inner union. */
function rejects(branch: readonly Issue[]): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === "invalid_type" || i.code === "unrecognized_keys" || i.code === "invalid_union"),
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
    // A check on a whole object (a discriminator, a refinement) names the field: show that field's value.
    if (input !== null && typeof input === "object" && path.length > issue.path.length - 1) {
      const key = path[path.length - 1];
      if (issue.path.length > 0 && typeof key === "string" && key in input)
        input = (input as Record<string, unknown>)[key];
      else if (issue.code === "custom") hasInput = false;
    }
    if (issue.code === "custom" && issue.path.length > 0 && typeof input === "number") hasInput = false;
    if (issue.code === "invalid_union") {
      const branches = issue.errors ?? [];
      const fitting = branches.filter((b) => !rejects(b));
      if (fitting.length > 0) {
        const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
        lines.push(...formatIssues(best, path));
        continue;
      }
      lines.push(line(path, issue.message, input, hasInput));
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatPath([...path, key])}: unknown option`);
      continue;
    }
    lines.push(line(path, issue.message, input, hasInput));
  }
  return [...new Set(lines)];
}
