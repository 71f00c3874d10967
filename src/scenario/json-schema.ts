import { z } from "zod";
import { formatDuration } from "../engine/time.js";
import { distributionSchema } from "./distribution.js";
import { durationSchema, positiveDurationSchema, rateSchema, sizeSchema } from "./duration.js";
import { MAX_REPLAY_TIMES, replayTimesSchema } from "./replay.js";
import { scenarioObjectSchema, stepSchema } from "./schema.js";

/*
 * The JSON Schema of the scenario file format as written (zod's input side), for editors:
 * completion of option names, enums and defaults, and red squiggles on typos. The zod schema
 * stays the one source of truth; this file only names the shared parts and describes the strings
 * that zod parses in transforms (durations, rates, sizes), which a JSON Schema cannot run.
 */

const NUMBER = String.raw`(\d+(\.\d*)?|\.\d+)`;

/** The strings `parseDuration` accepts with a value of at least 0 (units in any case). */
export const DURATION_PATTERN = String.raw`^\s*${NUMBER}([eE][+-]?\d+)?\s*([nN][sS]|[uU][sS]|[µμΜ][sS]|[mM][sS]|[sS]|[mM][iI][nN])\s*$`;
/** The strings `rateSchema` accepts. */
export const RATE_PATTERN = String.raw`^\s*${NUMBER}\s*/\s*(s|ms|min)\s*$`;
/** The strings `sizeSchema` accepts. */
export const SIZE_PATTERN = String.raw`^\s*${NUMBER}\s*(B|KB|KiB|MB|MiB|GB|GiB)\s*$`;

type JsonSchema = z.core.JSONSchema.BaseSchema;

interface Named {
  id: string;
  /** Replaces what zod derives from the transform's input (a bare string-or-number). */
  shape?: JsonSchema;
  description?: string;
}

const NAMED = new Map<z.core.$ZodType, Named>([
  [
    durationSchema,
    {
      id: "Duration",
      shape: {
        anyOf: [
          { type: "string", pattern: DURATION_PATTERN },
          { type: "number", minimum: 0, description: "Milliseconds." },
        ],
        examples: ["250us", "2ms", "1.5s", 30],
      },
    },
  ],
  [
    positiveDurationSchema,
    {
      id: "PositiveDuration",
      shape: {
        anyOf: [
          { type: "string", pattern: DURATION_PATTERN },
          { type: "number", exclusiveMinimum: 0, description: "Milliseconds." },
        ],
        examples: ["5ms", "1s"],
      },
    },
  ],
  [
    rateSchema,
    {
      id: "Rate",
      shape: {
        anyOf: [
          { type: "string", pattern: RATE_PATTERN },
          { type: "number", exclusiveMinimum: 0, description: "Per second." },
        ],
        examples: ["500/s", "2/ms"],
      },
    },
  ],
  [
    sizeSchema,
    {
      id: "Size",
      shape: {
        anyOf: [
          { type: "string", pattern: SIZE_PATTERN },
          { type: "number", minimum: 0, description: "Bytes." },
        ],
        examples: ["64KiB", "1.5MB", 1024],
      },
    },
  ],
  [
    replayTimesSchema,
    {
      id: "ReplayTimes",
      shape: {
        type: "array",
        items: { type: "number", minimum: 0, description: "Milliseconds from the start of the run." },
        minItems: 1,
        maxItems: MAX_REPLAY_TIMES,
        examples: [[0, 4.25, 9.5, 9.5, 31]],
      },
    },
  ],
  [distributionSchema, { id: "Distribution" }],
  [
    stepSchema,
    {
      id: "Step",
      description:
        'One step of a task: {"cpu": ..., "gil"?: ...}, {"io": ...}, {"block": ...}, {"socket": {"peer": ...}}, {"offload": [steps]}, {"spawn": N, "steps": [steps]}, {"threads": N, "steps": [steps]} or {"repeat": N or "forever", "steps": [steps]}.',
    },
  ],
]);

/** The global metadata (descriptions) plus an id for the shared parts, so they become named $defs. */
class NamedRegistry extends z.core.$ZodRegistry<Record<string, unknown>> {
  override get(schema: z.core.$ZodType): Record<string, unknown> | undefined {
    const meta = z.globalRegistry.get(schema);
    const named = NAMED.get(schema);
    if (!named) return meta;
    return { ...meta, id: named.id, ...(named.description ? { description: named.description } : {}) };
  }
}

/** The JSON Schema (draft 2020-12) of a scenario file, as an editor would use it. */
export function scenarioJsonSchema(): JsonSchema {
  const body = z.toJSONSchema(scenarioObjectSchema, {
    io: "input",
    metadata: new NamedRegistry(),
    unrepresentable: "throw",
    override: ({ zodSchema, jsonSchema }) => {
      // The lognormal takes either its quantiles or its parameters (a refinement in zod).
      const dist = jsonSchema.properties?.dist;
      if (typeof dist === "object" && dist.const === "lognormal") {
        jsonSchema.oneOf = [{ required: ["median", "p99"] }, { required: ["mu", "sigma"] }];
      }
      // zod drops defaults of transforming schemas on the input side (they are parsed values);
      // give the ones that read the same written back: durations in ns as text, sizes in bytes.
      const def = zodSchema._zod.def as { type: string; innerType?: unknown; defaultValue?: unknown };
      if (def.type === "default" && jsonSchema.default === undefined && typeof def.defaultValue === "number") {
        if (def.innerType === durationSchema || def.innerType === positiveDurationSchema) {
          jsonSchema.default = formatDuration(def.defaultValue);
        } else if (def.innerType === sizeSchema) jsonSchema.default = def.defaultValue;
      }
      const shape = NAMED.get(zodSchema)?.shape;
      if (!shape) return;
      delete jsonSchema.type;
      delete jsonSchema.anyOf;
      Object.assign(jsonSchema, shape);
    },
  });
  const { $schema, ...rest } = body;
  const properties = rest.properties ?? {};
  return {
    $schema,
    title: "gilsim scenario",
    description:
      'A gilsim scenario: the machine, the Python runtime, the executor and the workload to simulate. Durations are strings with a unit ("250us", "2ms", "1.5s") or numbers of milliseconds.',
    ...rest,
    properties: {
      ...properties,
      $schema: { type: "string", description: "The JSON Schema of this file, for editors." },
    },
  };
}

/** The schema as the text of scenario.schema.json: two-space indents and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
