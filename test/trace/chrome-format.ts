/**
 * A checker for the Chrome Trace Event format (the JSON object form that Perfetto and
 * chrome://tracing read), written from the format's specification: the fields each phase needs,
 * async spans that nest per (category, id, process), counters with numeric series, and flow
 * events whose ends bind to slices. Perfetto's trace processor is not on the npm registry, so
 * this stands in for it. Returns the problems found; an empty list means the trace is well formed.
 */
export interface AnyEvent {
  name?: unknown;
  ph?: unknown;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  dur?: unknown;
  cat?: unknown;
  id?: unknown;
  s?: unknown;
  bp?: unknown;
  args?: unknown;
}

const PHASES = new Set(["M", "X", "i", "b", "e", "C", "s", "f"]);

export function checkTraceEvents(events: readonly AnyEvent[]): string[] {
  const problems: string[] = [];
  const slices = new Map<string, { ts: number; end: number }[]>();
  events.forEach((e, i) => {
    const where = `event ${i} (${String(e.ph)} ${String(e.name)})`;
    if (typeof e.name !== "string" || e.name === "") problems.push(`${where}: no name`);
    if (typeof e.ph !== "string" || !PHASES.has(e.ph)) problems.push(`${where}: unknown phase`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.push(`${where}: pid and tid must be integers`);
    if (e.ph === "M") {
      const args = e.args as Record<string, unknown> | undefined;
      if (String(e.name).endsWith("_name") && typeof args?.name !== "string") problems.push(`${where}: no args.name`);
      return;
    }
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0)
      problems.push(`${where}: ts must be a time >= 0`);
    if (e.ph === "X") {
      if (typeof e.dur !== "number" || !(e.dur >= 0)) problems.push(`${where}: dur must be >= 0`);
      const key = `${e.pid}/${e.tid}`;
      slices.set(key, [...(slices.get(key) ?? []), { ts: e.ts as number, end: (e.ts as number) + (e.dur as number) }]);
    }
    if (e.ph === "i" && !["g", "p", "t"].includes(String(e.s)))
      problems.push(`${where}: instant scope must be g, p or t`);
    if (["b", "e", "s", "f"].includes(String(e.ph)) && (typeof e.cat !== "string" || e.id === undefined))
      problems.push(`${where}: needs cat and id`);
    if (e.ph === "C") {
      const args = e.args as Record<string, unknown> | undefined;
      if (
        !args ||
        Object.keys(args).length === 0 ||
        !Object.values(args).every((v) => typeof v === "number" && Number.isFinite(v))
      )
        problems.push(`${where}: a counter needs numeric args`);
    }
  });
  // Nestable async spans: per (cat, id, pid), in time order (file order breaks ties), a stack.
  const asyncEvents = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.ph === "b" || e.ph === "e")
    .sort((a, b) => (a.e.ts as number) - (b.e.ts as number) || a.i - b.i);
  const stacks = new Map<string, string[]>();
  for (const { e, i } of asyncEvents) {
    const key = `${String(e.cat)}/${String(e.id)}/${String(e.pid)}`;
    const stack = stacks.get(key) ?? [];
    if (e.ph === "b") stack.push(String(e.name));
    else if (stack.pop() !== e.name)
      problems.push(`event ${i}: async end "${String(e.name)}" does not close the innermost open span of ${key}`);
    stacks.set(key, stack);
  }
  for (const [key, stack] of stacks)
    if (stack.length > 0) problems.push(`async spans of ${key} left open: ${stack.join(", ")}`);
  // Flows: one start and one finish per (cat, id); the start inside a slice of its thread; the finish before a slice of its track.
  const flows = new Map<string, { s?: AnyEvent; f?: AnyEvent }>();
  for (const e of events) {
    if (e.ph !== "s" && e.ph !== "f") continue;
    const key = `${String(e.cat)}/${String(e.id)}`;
    const flow = flows.get(key) ?? {};
    if (flow[e.ph as "s" | "f"]) problems.push(`flow ${key}: two "${String(e.ph)}" events`);
    flow[e.ph as "s" | "f"] = e;
    flows.set(key, flow);
  }
  for (const [key, { s, f }] of flows) {
    if (!s || !f) {
      problems.push(`flow ${key}: needs a start and a finish`);
      continue;
    }
    if ((f.ts as number) < (s.ts as number)) problems.push(`flow ${key}: finishes before it starts`);
    const own = slices.get(`${s.pid}/${s.tid}`) ?? [];
    if (!own.some((x) => x.ts <= (s.ts as number) && (s.ts as number) <= x.end))
      problems.push(`flow ${key}: its start lies in no slice of its thread`);
    const target = slices.get(`${f.pid}/${f.tid}`) ?? [];
    const bindsEnclosing = f.bp === "e" && target.some((x) => x.ts <= (f.ts as number) && (f.ts as number) <= x.end);
    const bindsNext = f.bp !== "e" && target.some((x) => x.ts >= (f.ts as number));
    if (!bindsEnclosing && !bindsNext) problems.push(`flow ${key}: its finish binds to no slice`);
  }
  return problems;
}
