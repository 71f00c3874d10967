/**
 * The page's state in its URL, so a link reproduces the same figures: the scenario JSON (and the
 * second one in compare mode), the p99 target, and the timeline's window. It lives in the
 * fragment (#...), which works from file:// and is never sent to a server.
 *
 * `#preset=convoy` opens a preset; `#a=<scenario JSON>&b=<JSON>&slo=100ms&window=0,250ms`
 * is the full form the page writes.
 */
import { MS, type Nanos, parseDuration } from "../engine/time.js";
import { getPreset, isPresetName } from "../scenario/presets.js";
import { durationText } from "./knobs.js";

export interface PageState {
  /** The scenario's JSON text (configuration A). */
  a: string;
  /** Configuration B's JSON text in compare mode, or null. */
  b: string | null;
  /** The p99 target, in ns. */
  slo: Nanos;
  /** The timeline's window [start, end] in ns, or null for the whole run. */
  window: [Nanos, Nanos] | null;
}

export const DEFAULT_PRESET = "web-api";
export const DEFAULT_SLO = 100 * MS;

/** Two-space JSON, as the page's editor shows a scenario. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function defaultState(): PageState {
  return { a: prettyJson(getPreset(DEFAULT_PRESET)), b: null, slo: DEFAULT_SLO, window: null };
}

/** JSON text made compact for a URL when it parses; as written when it does not (the page shows the error). */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function pretty(text: string): string {
  try {
    return prettyJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The fragment (without "#") for a state. */
export function encodeState(state: PageState): string {
  const params = new URLSearchParams();
  params.set("a", compact(state.a));
  if (state.b !== null) params.set("b", compact(state.b));
  params.set("slo", durationText(state.slo));
  if (state.window) params.set("window", state.window.map(durationText).join(","));
  return params.toString();
}

/** The state a fragment describes; what it leaves out, or gets wrong, takes the default. */
export function decodeState(fragment: string): PageState {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const state = defaultState();
  const preset = params.get("preset");
  if (preset !== null && isPresetName(preset)) state.a = prettyJson(getPreset(preset));
  const a = params.get("a");
  if (a !== null) state.a = pretty(a);
  const b = params.get("b");
  if (b !== null) state.b = pretty(b);
  const slo = parseDuration(params.get("slo") ?? "");
  if (slo !== undefined && slo > 0) state.slo = slo;
  const window = (params.get("window") ?? "").split(",").map((t) => parseDuration(t));
  const [start, end] = window;
  if (window.length === 2 && start !== undefined && end !== undefined && start >= 0 && end > start) {
    state.window = [start, end];
  }
  return state;
}
