import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { findJsonError, lineAndColumn, parseJsonText } from "../../src/io/json-text.js";

describe("parseJsonText", () => {
  test("parseJsonText gives the line and column of the first syntax error", () => {
    expect(parseJsonText('{\n  "a": 1,\n  "b" 2\n}')).toEqual({
      ok: false,
      problem: 'invalid JSON at line 3, column 7: expected ":", found "2"',
    });
    expect(parseJsonText("")).toEqual({
      ok: false,
      problem: "invalid JSON at line 1, column 1: expected a value, found the end of the file",
    });
  });

  test("parseJsonText skips a byte-order mark", () => {
    expect(parseJsonText('\uFEFF{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  test("findJsonError finds the error in a list nested 100,000 deep without overflowing the stack", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}${"]".repeat(depth - 1)}}`;
    expect(findJsonError(text)).toEqual({ offset: 2 * depth - 1, message: 'expected "," or "]", found "}"' });
    expect(findJsonError(`${"[".repeat(depth)}${"]".repeat(depth)}`)).toBeNull();
  });

  test("findJsonError agrees with JSON.parse on which texts are valid, and lineAndColumn counts lines (property)", () => {
    const text = fc.oneof(
      fc.json(),
      fc.json().map((j) => j.slice(0, -1)),
      fc.string({ unit: fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "1", "a", " ", "\n", "\\", "-", "e", ".") }),
    );
    fc.assert(
      fc.property(text, (t) => {
        let valid = true;
        try {
          JSON.parse(t);
        } catch {
          valid = false;
        }
        const found = findJsonError(t);
        expect(found === null).toBe(valid);
        if (found) {
          const { line, column } = lineAndColumn(t, found.offset);
          expect(line).toBe(t.slice(0, found.offset).split("\n").length);
          expect(column).toBe(found.offset - t.lastIndexOf("\n", found.offset - 1));
        }
      }),
      { numRuns: 2000, seed: 3 },
    );
  });
});
