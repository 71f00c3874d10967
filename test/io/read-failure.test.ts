import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readFailure } from "../../src/io/read-failure.js";

/** The error readFileSync throws for `path`. */
function failureOf(path: string): unknown {
  try {
    readFileSync(path);
  } catch (error) {
    return error;
  }
  throw new Error(`${path} was readable`);
}

describe("readFailure", () => {
  test("readFailure says no such file, it is a folder, permission denied, or else the error's code", () => {
    expect(readFailure(failureOf(join(tmpdir(), "gilsim-no-such-file-here.json")))).toBe("no such file");
    expect(readFailure(failureOf(tmpdir()))).toBe("it is a folder");
    expect(readFailure(Object.assign(new Error("denied"), { code: "EACCES" }))).toBe("permission denied");
    expect(readFailure(Object.assign(new Error("broken"), { code: "EIO" }))).toBe("EIO");
  });
});
