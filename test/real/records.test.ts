import { describe, expect, test } from "vitest";
import { collectRecords, type HarnessRecord, parseRecord } from "../../src/real/records.js";

const rates = { pythonItersPerUs: 30.5, releaseBytesPerUs: 1500, holdUnitsPerUs: 70 };
const lines = {
  hello:
    '{"type":"hello","format":1,"python":"3.11.7","implementation":"cpython","freeThreaded":false,"gilEnabled":true,"pid":7,"platform":"linux","cores":2,"availableCores":2,"switchInterval":5000000,"echoPort":null}',
  calibration: JSON.stringify({ type: "calibration", phase: "start", ...rates, spread: rates, used: rates, trials: 7 }),
  step: '{"type":"step","task":3,"background":null,"path":[1,0],"kind":"cpu","thread":"7:140","gil":"release","start":10,"end":30,"demand":20,"units":30000,"cpu":19}',
  task: '{"type":"task","id":3,"class":"api","arrival":0,"dispatched":2,"start":10,"end":31}',
  done: '{"type":"done","end":40,"completed":1,"total":1,"truncated":false,"drift":{"pythonItersPerUs":-3.5,"releaseBytesPerUs":0,"holdUnitsPerUs":12}}',
};

describe("parseRecord", () => {
  test("parseRecord reads each kind of harness line into a typed record", () => {
    expect(parseRecord(lines.hello)).toMatchObject({ type: "hello", pid: 7, gilEnabled: true });
    expect(parseRecord(lines.step)).toMatchObject({ type: "step", path: [1, 0], gil: "release", cpu: 19 });
    expect(parseRecord(lines.done)).toMatchObject({ type: "done", drift: { pythonItersPerUs: -3.5 } });
    expect(parseRecord('{"type":"error","message":"boom"}')).toEqual({ type: "error", message: "boom" });
  });

  test("parseRecord rejects a line that is not JSON, naming the line", () => {
    expect(() => parseRecord("Traceback (most recent call last):")).toThrow(
      'harness wrote a line that is not JSON: "Traceback (most recent call last):"',
    );
  });

  test("parseRecord rejects a record with a wrong field, naming the field", () => {
    expect(() => parseRecord(lines.step.replace('"kind":"cpu"', '"kind":"gpu"'))).toThrow(/unreadable record: kind:/);
    expect(() => parseRecord('{"type":"bogus"}')).toThrow(/unreadable record/);
  });
});

describe("collectRecords", () => {
  const all = (names: (keyof typeof lines)[]): HarnessRecord[] => names.map((n) => parseRecord(lines[n]));

  test("collectRecords sorts a run's records by kind", () => {
    const out = collectRecords(all(["hello", "calibration", "step", "task", "done"]));
    expect(out.hello.pid).toBe(7);
    expect(out.calibration.pythonItersPerUs).toBe(30.5);
    expect(out.calibrationEnd).toBeNull();
    expect(out.steps).toHaveLength(1);
    expect(out.tasks.map((t) => t.id)).toEqual([3]);
    expect(out.done.end).toBe(40);
  });

  test("collectRecords throws when the done record is missing", () => {
    expect(() => collectRecords(all(["hello", "calibration", "step"]))).toThrow('harness output has no "done" record');
    expect(() => collectRecords(all(["calibration", "done"]))).toThrow('harness output has no "hello" record');
  });
});
