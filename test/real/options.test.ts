import { describe, expect, test } from "vitest";
import { RealSetupError } from "../../src/real/errors.js";
import { normalizeRealOptions, REAL_DEFAULTS } from "../../src/real/options.js";

describe("normalizeRealOptions", () => {
  test("normalizeRealOptions fills in every default once", () => {
    const o = normalizeRealOptions();
    expect(o).toMatchObject({
      python: undefined,
      seed: undefined,
      timeoutMs: REAL_DEFAULTS.timeoutMs,
      io: "sleep",
      handleSignals: true,
      calibration: { trials: 7, probeNs: 2_000_000, releaseChunk: 1 << 20, fixed: null },
      env: {},
    });
  });

  test("normalizeRealOptions keeps given values and converts probeMs to ns", () => {
    const fixed = { pythonItersPerUs: 30, releaseBytesPerUs: 1500, holdUnitsPerUs: 70 };
    const o = normalizeRealOptions({
      python: "/usr/bin/python3",
      seed: 9,
      timeoutMs: 5000,
      io: "echo",
      calibration: { trials: 3, probeMs: 0.5, releaseChunk: 65536, fixed },
    });
    expect(o).toMatchObject({ python: "/usr/bin/python3", seed: 9, timeoutMs: 5000, io: "echo" });
    expect(o.calibration).toEqual({ trials: 3, probeNs: 500_000, releaseChunk: 65536, fixed });
  });

  test.each([
    [{ timeoutMs: -1 }, "invalid timeoutMs: -1 (expected a positive number)"],
    [{ io: "disk" as "sleep" }, 'invalid io: "disk" (expected "sleep" or "echo")'],
    [{ seed: 1.5 }, "invalid seed: 1.5 (expected a non-negative integer)"],
    [{ calibration: { trials: 0 } }, "invalid calibration.trials: 0 (expected a positive integer)"],
    [{ calibration: { releaseChunk: 1000 } }, "invalid calibration.releaseChunk: 1000 (expected at least 2048 bytes)"],
    [
      { calibration: { fixed: { pythonItersPerUs: 0, releaseBytesPerUs: 1, holdUnitsPerUs: 1 } } },
      "invalid calibration.fixed.pythonItersPerUs: 0 (expected a positive number of units per microsecond)",
    ],
  ])("normalizeRealOptions(%j) throws a RealSetupError naming the option and value", (options, message) => {
    expect(() => normalizeRealOptions(options)).toThrow(RealSetupError);
    expect(() => normalizeRealOptions(options)).toThrow(message);
  });
});
