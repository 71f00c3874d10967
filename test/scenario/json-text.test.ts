import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.js";
import { findJsonError, parseJsonText } from "../../src/scenario/json-text.js";

describe("parseJsonText", () => {
  test("parseJsonText returns the value, ignoring a byte-order mark", () => {
    expect(parseJsonText('\uFEFF{"a": [1, "x"]}', "s.json")).toEqual({ a: [1, "x"] });
  });

  test("parseJsonText throws one line naming the source, line and column of the first syntax error", () => {
    let error: unknown;
    try {
      parseJsonText('{\n  "seed": 1,\n  "executor": }', "pasted.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toBe(
      'pasted.json: invalid JSON at line 3, column 15: expected a value, found "}"',
    );
  });
});

describe("findJsonError", () => {
  test.each([
    ['{"a": }', 6, 'expected a value, found "}"'],
    ['{"a": 1,}', 8, 'expected a property name in double quotes, found "}"'],
    ["{a: 1}", 1, 'expected a property name in double quotes, found "a"'],
    ['{"a" 1}', 5, 'expected ":", found "1"'],
    ["[1, 2", 5, 'expected "," or "]", found the end of the file'],
    ['{"a": "x', 8, 'expected a closing ", found the end of the file'],
    ['{"a": "\\q"}', 7, 'expected an escape like \\n, \\" or \\u00e9, found "\\\\"'],
    ['{"a": tru}', 6, 'expected a value, found "t"'],
    ['{"a": 1} x', 9, 'expected the end of the file after the value, found "x"'],
    ["[01]", 2, 'expected "," or "]", found "1"'],
    ['"a\tb"', 2, 'expected a closing " (or an escape like \\n), found "\\t"'],
  ])("findJsonError(%j) points at offset %i", (text, offset, message) => {
    expect(findJsonError(text)).toEqual({ offset, message });
  });

  test("findJsonError finds no error exactly when JSON.parse succeeds", () => {
    const parses = (t: string) => {
      try {
        JSON.parse(t);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.json(), (t) => {
        expect(findJsonError(t)).toBeNull();
      }),
    );
    const mangled = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "x", "1", " ", "\n"))
      .map(([t, i, c]) => {
        const at = t.length === 0 ? 0 : i % t.length;
        return t.slice(0, at) + c + t.slice(at + 1);
      });
    fc.assert(
      fc.property(fc.oneof(mangled, fc.string()), (t) => {
        expect(findJsonError(t) === null).toBe(parses(t));
      }),
      { numRuns: 2000 },
    );
  });
});
