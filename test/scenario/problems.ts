import { ScenarioError } from "../../src/scenario/errors.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/** The problem lines parseScenario reports for `input`, read as file "x.json"; throws if it accepts it. */
export function problemsOf(input: unknown): string[] {
  try {
    parseScenario(input, "x.json");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ScenarioError");
}
