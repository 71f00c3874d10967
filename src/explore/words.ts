/**
 * The page's words for what the model does, in one place so they can follow the model's
 * documentation (docs/model.md) as it is written. Each phrase is the model's own: the trace's
 * names (drop request, forced switch, convoy; src/trace/types.ts) and the doc comments of
 * src/model/gil.ts, which follows CPython's Python/ceval_gil.c.
 */
import { formatDuration, type Nanos } from "../engine/time.js";
import type { Marker, ThreadState } from "../trace/types.js";

/** The model's terms, as the trace and the model's documentation name them. */
export const TERMS = {
  dropRequest: "drop request",
  forcedSwitch: "forced switch",
  convoy: "convoy",
  switchInterval: "switch interval",
  checkPoint: "check point",
  handOff: "hand-off",
  gilTrack: "GIL track",
} as const;

/** What a thread is doing in each state (the doc comment of THREAD_STATES in src/trace/types.ts). */
export const STATE_MEANING: Readonly<Record<ThreadState, string>> = {
  gil: "running Python with the GIL, on a core",
  nogil: "running without the GIL (C code that released it, or a free-threaded build), on a core",
  "wait-gil": "waiting for the GIL, asleep on its condition variable (no core)",
  "wait-core": "runnable, waiting for a core (the OS run queue)",
  io: "blocked on IO or a sleep",
  idle: "nothing to do (a pool worker waiting for work, a loop with nothing scheduled)",
};

/** The marker kinds, named as the trace names them. */
export const MARKER_NAME: Readonly<Record<Marker["kind"], string>> = {
  "drop-request": TERMS.dropRequest,
  "forced-switch": TERMS.forcedSwitch,
  convoy: TERMS.convoy,
};

/** One step of the "why" panel, put in words. */
export type WhyKind = Marker["kind"] | "take";

export interface WhyFacts {
  kind: WhyKind;
  /** The thread the event happens to. */
  thread: string;
  /** Who holds the GIL at that moment (for a take: who held it before), if anyone. */
  holder: string | null;
  switchInterval: Nanos;
  /** Threads asleep waiting for this GIL just after the event. */
  waiting: number;
}

/** A sentence for one event, in the model's words (src/model/gil.ts). */
export function whySentence(f: WhyFacts): string {
  const holder = f.holder ?? "the holder";
  switch (f.kind) {
    case "drop-request":
      return `${f.thread} has waited a whole ${TERMS.switchInterval} (${formatDuration(f.switchInterval)}) with no switch, so it sets the ${TERMS.dropRequest}: ${holder} must drop the GIL at its next ${TERMS.checkPoint}.`;
    case "forced-switch":
      return `${f.thread} reaches a ${TERMS.checkPoint}, sees the ${TERMS.dropRequest} and drops the GIL: a ${TERMS.forcedSwitch}. It signals one waiter (which one is up to the OS) and waits until another thread has taken the GIL.`;
    case "convoy":
      return `${f.thread} comes back from releasing the GIL (IO, a sleep or C code without it) and finds it taken by ${holder}: it must wait for it, at least until ${holder} drops it. This is a ${TERMS.convoy} (bpo-7946).`;
    case "take":
      return f.holder === null
        ? `${f.thread} takes the free GIL.`
        : `${f.thread} takes the GIL from ${f.holder}: a ${TERMS.handOff}${f.waiting > 0 ? `, with ${f.waiting} other ${f.waiting === 1 ? "thread" : "threads"} still waiting` : ""}.`;
  }
}

/** Why a thread is in a state, given who held its GIL meanwhile and how busy the cores were. */
export function stateReason(
  state: ThreadState,
  facts: { holders: readonly string[]; cores: number; freeThreaded: boolean },
): string {
  switch (state) {
    case "wait-gil":
      return facts.holders.length === 0
        ? "It waits for the GIL: the holder had just dropped it and this thread is being woken."
        : `It waits for the GIL, held meanwhile by ${listOf(facts.holders)}; after a ${TERMS.switchInterval} with no switch it sets the ${TERMS.dropRequest}.`;
    case "wait-core":
      return `It could run, but all ${facts.cores} ${facts.cores === 1 ? "core is" : "cores are"} busy: it waits in the OS run queue.`;
    case "io":
      return "It waits for IO or a sleep, with the GIL released for other threads.";
    case "idle":
      return "It has nothing to do.";
    case "gil":
      return "It runs Python holding the GIL; other threads of its process cannot run Python meanwhile.";
    case "nogil":
      return facts.freeThreaded
        ? "It runs without a GIL (a free-threaded build): other threads run Python at the same time."
        : "It runs C code that released the GIL: other threads can run Python meanwhile.";
  }
}

function listOf(names: readonly string[]): string {
  const shown = names.slice(0, 3);
  const more = names.length - shown.length;
  const head = shown.length <= 1 ? (shown[0] ?? "") : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : head;
}
