import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { createProgress } from "../../src/sweep/progress.js";

/** A stream that says it is a terminal and keeps what is written to it. */
function terminal(isTTY: boolean): { stream: Writable; text: () => string } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      written.push(String(chunk));
      callback();
    },
  });
  Object.assign(stream, { isTTY, columns: 160 });
  return { stream, text: () => written.join("") };
}

describe("createProgress", () => {
  test("createProgress stays silent when the CLI is not on a terminal", () => {
    const t = terminal(true);
    const p = createProgress({ out: () => {}, err: () => {}, isTTY: false }, "sweep", 10, 0, "points", t.stream);
    p.increment();
    p.stop();
    expect(t.text()).toBe("");
  });

  test("createProgress draws a bar with the count and the time left on a terminal", () => {
    const t = terminal(true);
    const p = createProgress({ out: () => {}, err: () => {}, isTTY: true }, "sweep t", 4, 1, "points", t.stream);
    p.increment();
    p.stop();
    const text = t.text();
    expect(text).toContain("sweep t [");
    expect(text).toMatch(/1\/4 points/);
    expect(text).toContain("left");
  });

  test("update sets the count of finished units, as a long run reports its tasks", () => {
    const t = terminal(true);
    const p = createProgress({ out: () => {}, err: () => {}, isTTY: true }, "simulate x", 10_000, 0, "tasks", t.stream);
    p.update(8192);
    p.stop();
    expect(t.text()).toMatch(/8192\/10000 tasks/);
  });
});
