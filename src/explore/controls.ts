/**
 * The form of knobs: it shows a scenario's knob values and reports each change a reader makes as
 * a KnobChange. A slider and a number box edit the same knob; the number box takes any value, the
 * slider its usual range. Knobs that do not apply to the scenario are disabled with a hint.
 */
import { MS } from "../engine/time.js";
import { PYTHON_VERSIONS, type PythonVersion } from "../model/profiles.js";
import { type PresetName, presetDescription, presetNames } from "../scenario/presets.js";
import { byId, el } from "./dom.js";
import {
  ARRIVAL_KINDS,
  type ArrivalKind,
  EXECUTOR_CHOICES,
  EXECUTOR_LABELS,
  type ExecutorChoice,
  type KnobChange,
  type Knobs,
  STEP_KNOBS,
  type StepKnob,
} from "./knobs.js";

export interface ControlsHandlers {
  knob(change: KnobChange): void;
  preset(name: PresetName): void;
  json(text: string): void;
  slo(ns: number): void;
}

const ARRIVAL_LABELS: Readonly<Record<ArrivalKind, string>> = {
  batch: "a batch, all at once",
  poisson: "Poisson (random) at a rate",
  fixed: "evenly spaced at a rate",
  closed: "closed: clients wait for replies",
};

/** Number knobs: id suffix, the change it makes from the box's value, and how a value shows. */
interface NumberKnob {
  id: string;
  change: (v: number) => KnobChange | null;
  show: (k: Knobs) => number | null;
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

const NUMBER_KNOBS: readonly NumberKnob[] = [
  { id: "workers", change: (v) => (positiveInt(v) ? { knob: "workers", value: v } : null), show: (k) => k.workers },
  {
    id: "switch",
    change: (v) => (v > 0 ? { knob: "switchInterval", value: Math.round(v * MS) } : null),
    show: (k) => k.switchInterval / MS,
  },
  { id: "cores", change: (v) => (positiveInt(v) ? { knob: "cores", value: v } : null), show: (k) => k.cores },
  ...STEP_KNOBS.map(
    (step): NumberKnob => ({
      id: step,
      change: (v) => (v >= 0 ? ({ knob: step, value: Math.round(v * MS) } as KnobChange) : null),
      show: (k) => k.steps[step] / MS,
    }),
  ),
  { id: "rate", change: (v) => (v > 0 ? { knob: "rate", value: v } : null), show: (k) => k.rate },
  { id: "clients", change: (v) => (positiveInt(v) ? { knob: "clients", value: v } : null), show: (k) => k.clients },
  { id: "count", change: (v) => (positiveInt(v) ? { knob: "count", value: v } : null), show: (k) => k.count },
  {
    id: "seed",
    change: (v) => (Number.isSafeInteger(v) && v >= 0 ? { knob: "seed", value: v } : null),
    show: (k) => k.seed,
  },
];

function options(select: HTMLSelectElement, items: readonly (readonly [string, string])[]): void {
  select.replaceChildren(...items.map(([value, label]) => el("option", { value }, label)));
}

/** Numbers as a person types them: no float noise (0.30000000000000004 shows 0.3). */
function numberText(v: number): string {
  return String(Number(v.toPrecision(12)));
}

export class Controls {
  private readonly form = byId<HTMLFormElement>("controls");

  constructor(private readonly on: ControlsHandlers) {
    options(byId("preset"), [["", "(edited)"], ...presetNames().map((n) => [n, n] as const)]);
    options(
      byId("k-executor"),
      EXECUTOR_CHOICES.map((c) => [c, EXECUTOR_LABELS[c]]),
    );
    options(
      byId("k-python"),
      PYTHON_VERSIONS.map((v) => [v, v.endsWith("t") ? `${v} (free-threaded)` : v]),
    );
    options(
      byId("k-arrivals"),
      ARRIVAL_KINDS.map((a) => [a, ARRIVAL_LABELS[a]]),
    );
    this.form.addEventListener("submit", (e) => e.preventDefault());
    byId<HTMLSelectElement>("preset").addEventListener("change", (e) => {
      const name = (e.target as HTMLSelectElement).value;
      if (name) this.on.preset(name as PresetName);
    });
    byId<HTMLSelectElement>("k-executor").addEventListener("change", (e) =>
      this.on.knob({ knob: "executor", value: (e.target as HTMLSelectElement).value as ExecutorChoice }),
    );
    byId<HTMLSelectElement>("k-python").addEventListener("change", (e) =>
      this.on.knob({ knob: "python", value: (e.target as HTMLSelectElement).value as PythonVersion }),
    );
    byId<HTMLSelectElement>("k-arrivals").addEventListener("change", (e) =>
      this.on.knob({ knob: "arrivals", value: (e.target as HTMLSelectElement).value as ArrivalKind }),
    );
    byId<HTMLInputElement>("k-gil").addEventListener("change", (e) =>
      this.on.knob({ knob: "gil", value: (e.target as HTMLInputElement).checked }),
    );
    for (const k of NUMBER_KNOBS) this.wireNumber(k);
    byId<HTMLInputElement>("slo").addEventListener("input", (e) => {
      const v = (e.target as HTMLInputElement).valueAsNumber;
      if (v > 0) this.on.slo(Math.round(v * MS));
    });
    byId("apply-json").addEventListener("click", () => this.on.json(byId<HTMLTextAreaElement>("json").value));
    byId("format-json").addEventListener("click", () => {
      const box = byId<HTMLTextAreaElement>("json");
      try {
        box.value = JSON.stringify(JSON.parse(box.value), null, 2);
      } catch {
        this.on.json(box.value); // shows where the JSON breaks
      }
    });
  }

  private wireNumber(k: NumberKnob): void {
    const box = byId<HTMLInputElement>(`k-${k.id}`);
    const slider = document.getElementById(`r-${k.id}`) as HTMLInputElement | null;
    const send = (v: number) => {
      const change = k.change(v);
      if (change) this.on.knob(change);
    };
    box.addEventListener("input", () => {
      if (Number.isNaN(box.valueAsNumber)) return;
      if (slider) slider.value = String(box.valueAsNumber);
      send(box.valueAsNumber);
    });
    slider?.addEventListener("input", () => {
      box.value = numberText(slider.valueAsNumber);
      send(slider.valueAsNumber);
    });
  }

  /** Shows a scenario's knobs (null: the scenario is invalid, so the knobs wait for a fix). */
  show(knobs: Knobs | null, text: string, preset: PresetName | null, error: string | null): void {
    const json = byId<HTMLTextAreaElement>("json");
    if (document.activeElement !== json) json.value = text;
    const errorBox = byId("error");
    errorBox.hidden = error === null;
    errorBox.textContent = error ?? "";
    byId<HTMLSelectElement>("preset").value = preset ?? "";
    byId("preset-description").textContent = preset ? presetDescription(preset) : "";
    if (error !== null) byId<HTMLDetailsElement>("json-box").open = true;
    for (const input of this.form.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      ".knobs input, .knobs select",
    )) {
      if (input.id !== "slo") input.disabled = knobs === null;
    }
    if (knobs === null) return;
    byId<HTMLSelectElement>("k-executor").value = knobs.executor;
    byId<HTMLSelectElement>("k-python").value = knobs.python;
    const arrivalsSelect = byId<HTMLSelectElement>("k-arrivals");
    // Replayed arrivals (a fitted scenario) are shown as such; the list offers the kinds a knob can make.
    const replay = arrivalsSelect.querySelector('option[value="replay"]');
    if (knobs.arrivals === "replay" && !replay) {
      arrivalsSelect.append(el("option", { value: "replay", disabled: "" }, "replayed times (from a recording)"));
    } else if (knobs.arrivals !== "replay") replay?.remove();
    arrivalsSelect.value = knobs.arrivals;
    const gil = byId<HTMLInputElement>("k-gil");
    gil.checked = knobs.gil;
    gil.disabled = !knobs.python.endsWith("t");
    byId("gil-hint").textContent = gil.disabled ? `(${knobs.python} always has one)` : "";
    for (const k of NUMBER_KNOBS) {
      const value = k.show(knobs);
      const box = byId<HTMLInputElement>(`k-${k.id}`);
      const slider = document.getElementById(`r-${k.id}`) as HTMLInputElement | null;
      if (value === null) {
        box.disabled = true;
        if (slider) slider.disabled = true;
        box.value = "";
        continue;
      }
      if (document.activeElement !== box) box.value = numberText(value);
      if (slider) {
        slider.disabled = false;
        slider.value = String(value);
      }
    }
    byId("row-workers").hidden = knobs.workers === null;
    byId("row-rate").hidden = knobs.rate === null;
    byId("row-clients").hidden = knobs.clients === null;
    byId("count-label").textContent = knobs.arrivals === "batch" ? "Tasks in the batch" : "Tasks in the run";
    byId("workers-label").textContent =
      knobs.executor === "asyncio"
        ? "Event-loop processes"
        : knobs.executor.includes("process")
          ? "Worker processes"
          : "Worker threads";
    byId("class-hint").textContent = classHint(knobs);
  }

  setSlo(ns: number): void {
    const box = byId<HTMLInputElement>("slo");
    if (document.activeElement !== box) box.value = numberText(ns / MS);
  }
}

const PLACE_NAMES: Readonly<Record<StepKnob, string>> = {
  cpu: "CPU",
  release: "C code",
  block: "blocking call",
  io: "IO",
};

/** Says which task class the request knobs edit, and where a step repeats or is offloaded. */
function classHint(k: Knobs): string {
  const notes: string[] = [];
  if (k.classes > 1)
    notes.push(`These edit the first task class, "${k.firstClass}" (1 of ${k.classes}); edit the JSON for the others.`);
  for (const step of STEP_KNOBS) {
    const place = k.places[step];
    if (!place) continue;
    const where = [
      place.repeat !== null ? `repeated ${place.repeat} times` : "",
      place.offloaded ? "offloaded to the pool" : "",
    ]
      .filter(Boolean)
      .join(", ");
    if (where) notes.push(`${PLACE_NAMES[step]}: ${where}.`);
  }
  return notes.join(" ");
}
