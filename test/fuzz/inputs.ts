import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Random } from "../../src/engine/random.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";

/*
 * Hostile scenario files for the fuzzer: the examples and the presets, mutated. A mutation either
 * edits the parsed JSON (a number made absurd, a string made wrong, a key dropped or invented, a
 * type swapped, steps nested hundreds deep, a count in the millions) or edits the text itself
 * (cut short, a byte changed, garbage). Most results are invalid; some stay valid and must then
 * run, within the limits the fuzzer passes. Deterministic: the same seed gives the same inputs.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The scenarios the fuzzer starts from: every example file and every preset. */
export function seedScenarios(): { name: string; value: unknown }[] {
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ name: f, value: JSON.parse(readFileSync(join(ROOT, "examples", f), "utf8")) as unknown }));
  return [...examples, ...presetNames().map((n) => ({ name: n, value: getPreset(n) as unknown }))];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One fuzzer input: the text of a file, and what was done to make it. */
export interface FuzzInput {
  text: string;
  mutations: string[];
}

const HOSTILE_NUMBERS = [
  0,
  -1,
  -0.5,
  0.5,
  1.5,
  1e-300,
  1e-9,
  1e9,
  1e12,
  1e15,
  2 ** 53,
  2 ** 53 + 2,
  1e290,
  -1e290,
  1e308,
  4294967297,
  10_000_001,
];
const HOSTILE_STRINGS = [
  "",
  " ",
  "-2ms",
  "1e290s",
  "1e-300/s",
  "0/s",
  "NaN",
  "Infinity",
  "forever",
  "10 ms",
  "2ms2",
  "3.13t",
  "none",
  "ms",
  "💥",
  "\u0000",
  "9999999999999999999999ms",
  "1e308min",
  "1e400",
];
const KEYS = [
  "cpu",
  "io",
  "block",
  "offload",
  "repeat",
  "steps",
  "kind",
  "count",
  "rate",
  "workers",
  "dist",
  "mean",
  "mu",
  "sigma",
  "__proto__",
  "constructor",
  "x",
];

function asObject(v: unknown): { [key: string]: Json } | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as { [key: string]: Json }) : null;
}

/** The first class of a scenario, when the value still has one. */
function firstClass(root: Json): { [key: string]: Json } | null {
  const classes = asObject(root)?.workload;
  const list = asObject(classes)?.classes;
  return Array.isArray(list) ? asObject(list[0]) : null;
}

class Mutator {
  constructor(private readonly rng: Random) {}

  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)] as T;
  }

  /** Every (container, key) place in a value, for mutations to choose from. */
  places(value: Json): { parent: Json[] | { [k: string]: Json }; key: string | number }[] {
    const out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
    const todo: Json[] = [value];
    while (todo.length > 0) {
      const v = todo.pop() as Json;
      if (Array.isArray(v)) {
        v.forEach((c, i) => {
          out.push({ parent: v, key: i });
          todo.push(c);
        });
      } else if (v !== null && typeof v === "object") {
        for (const [k, c] of Object.entries(v)) {
          out.push({ parent: v, key: k });
          todo.push(c);
        }
      }
    }
    return out;
  }

  hostileValue(): Json {
    switch (this.rng.int(7)) {
      case 0:
        return this.pick(HOSTILE_NUMBERS);
      case 1:
        return this.pick(HOSTILE_STRINGS);
      case 2:
        return null;
      case 3:
        return this.rng.next() < 0.5;
      case 4:
        return [];
      case 5:
        return {};
      default:
        return "z".repeat(1 + this.rng.int(200_000));
    }
  }

  /** Text put in place of a marker after JSON.stringify, which recurses and cannot write what is nested 50,000 deep. */
  readonly deepTexts: string[] = [];

  private deep(open: string, inner: string, close: string, depth: number): Json {
    this.deepTexts.push(open.repeat(depth) + inner + close.repeat(depth));
    return `@@deep${this.deepTexts.length - 1}@@`;
  }

  /** Steps nested `depth` deep in repeats or offloads (as a marker for the text). */
  nested(depth: number): Json {
    const k = this.rng.int(2);
    return k === 0
      ? this.deep(`[{"repeat": ${1 + this.rng.int(3)}, "steps": `, '[{"cpu": "1us"}]', "}]", depth)
      : this.deep('[{"offload": ', '[{"cpu": "1us"}]', "}]", depth);
  }

  /** Edits the parsed scenario in place; returns what it did. */
  editValue(root: Json): string {
    const places = this.places(root);
    const at = places.length > 0 ? this.pick(places) : null;
    const read = (): Json => (at ? ((at.parent as Record<string | number, Json>)[at.key] as Json) : null);
    const write = (v: Json) => {
      if (at) (at.parent as Record<string | number, Json>)[at.key] = v;
    };
    const obj = root !== null && typeof root === "object" && !Array.isArray(root) ? root : null;
    switch (this.rng.int(12)) {
      case 0: {
        const v = read();
        if (typeof v === "number") write(this.pick(HOSTILE_NUMBERS));
        else write(this.hostileValue());
        return `value at ${at?.key} -> hostile`;
      }
      case 1:
        write(this.hostileValue());
        return `value at ${at?.key} -> hostile`;
      case 2:
        if (at && !Array.isArray(at.parent)) delete (at.parent as Record<string, Json>)[at.key as string];
        return `dropped ${at?.key}`;
      case 3: {
        const parent = at?.parent;
        const target = parent && !Array.isArray(parent) ? parent : obj;
        if (target) {
          const key = this.rng.next() < 0.2 ? "k".repeat(1 + this.rng.int(300_000)) : this.pick(KEYS);
          target[key] = this.hostileValue();
        }
        return "added a key";
      }
      case 4: {
        const v = read();
        write(Array.isArray(v) ? { ...v } : v !== null && typeof v === "object" ? Object.values(v) : String(v));
        return `swapped the type at ${at?.key}`;
      }
      case 5: {
        const depth = this.pick([30, 60, 70, 200, 700, 3000]);
        const first = firstClass(root);
        if (first) first.steps = this.nested(depth);
        else write(this.nested(depth));
        return `steps nested ${depth} deep`;
      }
      case 6: {
        const depth = this.pick([100, 10_000, 50_000]);
        write(this.deep("[", "", "]", depth));
        return `a list nested ${depth} deep`;
      }
      case 7: {
        const arrivals = asObject(asObject(obj?.workload)?.arrivals);
        if (arrivals) {
          arrivals.count = this.pick([1e6, 1e7, 1e8, 1e9, 2e9]);
          if (this.rng.next() < 0.5) arrivals.kind = "batch";
        }
        return "a count in the millions";
      }
      case 8: {
        const first = firstClass(root);
        const times = this.pick([1e3, 2e5, 1e9, 1e12]);
        if (first) {
          first.steps = [
            {
              repeat: this.pick([1, 2, 1e6]),
              // Not "0ms": a zero-length step takes no event, so --max-events does not stop a run of
              // millions of them, and one takes minutes (a known defect in src/model, reported in #17
              // and kept as a skipped test in fuzz.test.ts until the model counts such steps).
              steps: [{ repeat: times, steps: [{ cpu: this.pick(["1us", "10us", "1e6s"]) }] }],
            },
          ];
        }
        return `repeats of ${times}`;
      }
      case 9: {
        if (obj) for (let i = 0; i < 1 + this.rng.int(100_000); i++) obj[`unknown${i}`] = i;
        return "a flood of unknown keys";
      }
      case 10: {
        const first = firstClass(root);
        const dist = this.pick<Json>([
          { dist: "lognormal", mu: this.pick([1000, 50, -1000]), sigma: this.pick([0, 1, 10, 100]) },
          { dist: "erlang", k: this.pick([1e9, 0, 3.5]), mean: "1ms" },
          { dist: "gamma", shape: this.pick([1e-300, 1e300, 0]), mean: "1ms" },
          { dist: "uniform", min: "5ms", max: "1ms" },
          { dist: "empirical", values: [], weights: [] },
          { dist: "normal", mean: "1e290s", sd: "1ms" },
        ]);
        if (first) first.steps = [{ cpu: dist }];
        return "an absurd distribution";
      }
      default: {
        if (obj && (obj.run === undefined || obj.run === null || typeof obj.run !== "object")) obj.run = {};
        const run = obj ? (obj.run as Record<string, Json>) : null;
        if (run) {
          const key = this.pick(["replications", "until", "warmup", "confidence", "trace"]);
          run[key] = this.hostileValue();
        }
        return "an absurd run section";
      }
    }
  }

  /** Edits the text itself; returns what it did. */
  editText(text: string): { text: string; what: string } {
    switch (this.rng.int(6)) {
      case 0: {
        const at = this.rng.int(Math.max(1, text.length));
        return { text: text.slice(0, at), what: `cut at ${at}` };
      }
      case 1: {
        const at = this.rng.int(Math.max(1, text.length));
        const c = this.pick(["{", "}", "[", "]", ",", ":", '"', "\\", "x", "\n", "\u0000", "é"]);
        return { text: text.slice(0, at) + c + text.slice(at + 1), what: `changed a byte at ${at}` };
      }
      case 2:
        return { text: "", what: "empty" };
      case 3:
        return {
          text: Array.from({ length: 1 + this.rng.int(4000) }, () => String.fromCharCode(this.rng.int(256))).join(""),
          what: "garbage",
        };
      case 4:
        return { text: `\uFEFF${text}`, what: "a byte-order mark" };
      default:
        return { text: `${text}${text}`, what: "two documents" };
    }
  }
}

/** `count` hostile inputs from `seed`. */
export function* fuzzInputs(count: number, seed: number): Generator<FuzzInput> {
  const rng = new Random(seed, "fuzz");
  const m = new Mutator(rng);
  const seeds = seedScenarios();
  for (let i = 0; i < count; i++) {
    m.deepTexts.length = 0;
    const base = structuredClone(m.pick(seeds).value) as Json;
    const mutations: string[] = [];
    const edits = 1 + rng.int(3);
    for (let e = 0; e < edits; e++) mutations.push(m.editValue(base));
    let text = JSON.stringify(base).replace(/"@@deep(\d+)@@"/g, (_, n: string) => m.deepTexts[Number(n)] ?? "null");
    if (rng.next() < 0.2) {
      const edited = m.editText(text);
      text = edited.text;
      mutations.push(edited.what);
    }
    yield { text, mutations };
  }
}
