import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { durationSchema, rateSchema, sizeSchema } from "../../src/scenario/duration.js";
import {
  DURATION_PATTERN,
  RATE_PATTERN,
  SIZE_PATTERN,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from "../../src/scenario/json-schema.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";

const ROOT = join(import.meta.dirname, "../..");
const EXAMPLES = join(ROOT, "examples");
const exampleFiles = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".json"))
  .sort();

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema is free-form JSON
type Schema = Record<string, any>;

/**
 * A small validator for the JSON Schema keywords that scenario.schema.json uses, enough to check
 * what an editor would flag. It returns the path of every violation.
 */
function violations(value: unknown, schema: Schema, root: Schema, path = "$"): string[] {
  if (schema.$ref) {
    const name = String(schema.$ref).replace("#/$defs/", "");
    const { $ref: _, ...rest } = schema;
    return [...violations(value, root.$defs[name], root, path), ...violations(value, rest, root, path)];
  }
  const out: string[] = [];
  if (schema.anyOf && !schema.anyOf.some((s: Schema) => violations(value, s, root, path).length === 0)) {
    out.push(`${path}: matches no anyOf branch`);
  }
  if (schema.oneOf && schema.oneOf.filter((s: Schema) => violations(value, s, root, path).length === 0).length !== 1) {
    out.push(`${path}: does not match exactly one oneOf branch`);
  }
  if (schema.const !== undefined && value !== schema.const) out.push(`${path}: not ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: not in enum`);
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  const typeOf = (v: unknown) =>
    Array.isArray(v) ? "array" : v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v;
  if (types.length > 0) {
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) out.push(`${path}: not ${types}`);
  }
  if (typeof value === "string" && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    out.push(`${path}: does not match the pattern`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below minimum`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      out.push(`${path}: not above minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${path}: too few items`);
    if (schema.items) {
      value.forEach((v, i) => {
        out.push(...violations(v, schema.items, root, `${path}[${i}]`));
      });
    }
  } else if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) out.push(`${path}.${key}: required`);
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub) out.push(...violations(v, sub, root, `${path}.${key}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${key}: not allowed`);
    }
  }
  return out;
}

describe("scenarioJsonSchema", () => {
  const schema = scenarioJsonSchema();

  test("scenarioJsonSchema is draft 2020-12 with a title, a description and named shared parts", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("gilsim scenario");
    expect(schema.description).toMatch(/^A gilsim scenario/);
    expect(Object.keys(schema.$defs ?? {}).sort()).toEqual([
      "Distribution",
      "Duration",
      "PositiveDuration",
      "Rate",
      "ReplayTimes",
      "Size",
      "Step",
    ]);
    expect(schema.required).toEqual(["executor", "workload"]);
    expect(schema.additionalProperties).toBe(false);
  });

  test("scenarioJsonSchema describes the input side: defaults and enums for completion", () => {
    const props = schema.properties as Schema;
    expect(props.machine.properties.cores.default).toBe(4);
    expect(props.runtime.properties.python).toMatchObject({ default: "3.12", enum: expect.arrayContaining(["3.13t"]) });
    expect(props.run.properties.warmup.$ref).toBe("#/$defs/Duration");
  });

  test("scenarioJsonSchema keeps the defaults of parsed fields in their written form", () => {
    const props = schema.properties as Schema;
    expect(props.run.properties.warmup.default).toBe("0ns");
    expect(props.workload.properties.classes.items.properties.payload.default).toBe(1024);
  });

  test("every default in the JSON Schema passes the schema it is the default of", () => {
    const checked: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`);
        return;
      }
      if (node === null || typeof node !== "object") return;
      const obj = node as Schema;
      if ("default" in obj) {
        expect(violations(obj.default, obj, schema), path).toEqual([]);
        checked.push(path);
      }
      for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`);
    };
    walk(schema, "$");
    expect(checked.length).toBeGreaterThan(15);
  });

  test("the committed scenario.schema.json equals freshly generated output (run scripts/write-schema.ts)", () => {
    expect(readFileSync(join(ROOT, "scenario.schema.json"), "utf8")).toBe(scenarioJsonSchemaText());
  });

  test("scenarioJsonSchemaText gives the same bytes twice", () => {
    expect(scenarioJsonSchemaText()).toBe(scenarioJsonSchemaText());
  });

  test("every preset passes the JSON Schema", () => {
    for (const name of presetNames()) expect(violations(getPreset(name), schema, schema), name).toEqual([]);
  });

  test("the JSON Schema flags a typo, a bad enum, a bad duration and a missing section", () => {
    const good = getPreset("web-api") as Schema;
    expect(violations({ ...good, machien: {} }, schema, schema)).toContain("$.machien: not allowed");
    expect(violations({ ...good, runtime: { python: "2.7" } }, schema, schema)).toContain(
      "$.runtime.python: not in enum",
    );
    const badStep = structuredClone(good);
    badStep.workload.classes[0].steps[0] = { cpu: "2 parsecs" };
    expect(violations(badStep, schema, schema).length).toBeGreaterThan(0);
    const { executor: _, ...noExecutor } = good;
    expect(violations(noExecutor, schema, schema)).toContain("$.executor: required");
  });

  test("the JSON Schema accepts replayed arrivals and flags a negative time, a string and an empty list", () => {
    const good = structuredClone(getPreset("web-api")) as Schema;
    good.workload.arrivals = { kind: "replay", times: [0, 2.5, 2.5, 40] };
    expect(violations(good, schema, schema)).toEqual([]);
    const times = (t: unknown) => violations(t, schema.$defs?.ReplayTimes as Schema, schema);
    expect(times([0, -1])).toContain("$[1]: below minimum");
    expect(times([0, "2ms"])).toContain("$[1]: not number");
    expect(times([])).toContain("$: too few items");
  });

  test("the JSON Schema requires a lognormal to give either median and p99 or mu and sigma", () => {
    const dist = (d: unknown) => violations(d, schema.$defs?.Distribution as Schema, schema);
    expect(dist({ dist: "lognormal", median: "1ms", p99: "5ms" })).toEqual([]);
    expect(dist({ dist: "lognormal", mu: 0, sigma: 1 })).toEqual([]);
    expect(dist({ dist: "lognormal", median: "1ms", p99: "5ms", mu: 0, sigma: 1 })).not.toEqual([]);
    expect(dist({ dist: "lognormal", median: "1ms" })).not.toEqual([]);
  });
});

describe("the string patterns agree with the parsers", () => {
  const cases = {
    duration: {
      pattern: DURATION_PATTERN,
      schema: durationSchema,
      strings: ["250us", "2ms", "1.5s", " 3 min ", ".5ms", "1e3us", "2MS", "7µs", "7μs", "10ns", "0s", "1.ms"],
      bad: ["2", "ms", "-1ms", "2 parsecs", "1,5s", "2msx", "1e3", "s2", ""],
    },
    rate: {
      pattern: RATE_PATTERN,
      schema: rateSchema,
      strings: ["500/s", "2/ms", "30/min", " 1.5 / s ", ".5/s"],
      bad: ["500", "500/h", "/s", "-5/s", "fast"],
    },
    size: {
      pattern: SIZE_PATTERN,
      schema: sizeSchema,
      strings: ["64KiB", "1.5MB", "10B", "2 GiB", "0B"],
      bad: ["64", "64kib", "1TB", "-1B", "big"],
    },
  };
  for (const [what, { pattern, schema, strings, bad }] of Object.entries(cases)) {
    test(`the ${what} pattern accepts what the parser accepts and rejects what it rejects`, () => {
      const re = new RegExp(pattern);
      for (const s of strings) {
        expect(schema.safeParse(s).success, s).toBe(true);
        expect(re.test(s), s).toBe(true);
      }
      for (const s of bad) {
        expect(schema.safeParse(s).success, s).toBe(false);
        expect(re.test(s), s).toBe(false);
      }
    });
  }
});

describe("examples/*.json", () => {
  test("there are examples to check", () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(3);
  });

  test.each(exampleFiles)("examples/%s points at the schema and passes both the zod and the JSON Schema", (file) => {
    const input = JSON.parse(readFileSync(join(EXAMPLES, file), "utf8"));
    expect(input.$schema).toBe("../scenario.schema.json");
    expect(() => parseScenario(input, file)).not.toThrow();
    const schema = scenarioJsonSchema();
    expect(violations(input, schema, schema)).toEqual([]);
  });

  test.each(exampleFiles.filter((f) => presetNames().includes(f.replace(/\.json$/, "") as never)))(
    "examples/%s is the preset of the same name",
    (file) => {
      const { $schema: _, ...input } = JSON.parse(readFileSync(join(EXAMPLES, file), "utf8"));
      expect(input).toEqual(getPreset(file.replace(/\.json$/, "")));
    },
  );
});
