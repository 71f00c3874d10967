import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MS, SECOND, US } from "../../src/engine/time.js";
import { durationSchema, positiveDurationSchema, rateSchema, sizeSchema } from "../../src/scenario/duration.js";

describe("durationSchema", () => {
  test("durationSchema parses units and bare milliseconds to integer nanoseconds", () => {
    expect(durationSchema.parse("250us")).toBe(250 * US);
    expect(durationSchema.parse("2ms")).toBe(2 * MS);
    expect(durationSchema.parse("1.5s")).toBe(1.5 * SECOND);
    expect(durationSchema.parse(" 3 min ")).toBe(180 * SECOND);
    expect(durationSchema.parse(30)).toBe(30 * MS);
    expect(durationSchema.parse(0.0005)).toBe(500);
    expect(durationSchema.parse("0ms")).toBe(0);
  });

  test("durationSchema gives the same nanoseconds for n ms written as a number and as text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        expect(durationSchema.parse(`${n}ms`)).toBe(n * MS);
        expect(durationSchema.parse(n)).toBe(n * MS);
      }),
    );
  });

  test("durationSchema rejects negatives and text without a unit; positiveDurationSchema rejects 0", () => {
    expect(durationSchema.safeParse("-1ms").success).toBe(false);
    expect(durationSchema.safeParse("12").success).toBe(false);
    expect(durationSchema.safeParse(Number.NaN).success).toBe(false);
    expect(positiveDurationSchema.safeParse("0s").success).toBe(false);
    expect(positiveDurationSchema.parse("1ns")).toBe(1);
  });
});

describe("rateSchema and sizeSchema", () => {
  test("rateSchema parses per-second, per-ms and per-minute rates to events per second", () => {
    expect(rateSchema.parse("500/s")).toBe(500);
    expect(rateSchema.parse("2/ms")).toBe(2000);
    expect(rateSchema.parse("30/min")).toBe(0.5);
    expect(rateSchema.parse(12.5)).toBe(12.5);
    expect(rateSchema.safeParse("0/s").success).toBe(false);
    expect(rateSchema.safeParse("-5/s").success).toBe(false);
  });

  test("sizeSchema parses decimal and binary units to whole bytes", () => {
    expect(sizeSchema.parse("64KiB")).toBe(65536);
    expect(sizeSchema.parse("1.5MB")).toBe(1_500_000);
    expect(sizeSchema.parse("1GiB")).toBe(1024 ** 3);
    expect(sizeSchema.parse(10.4)).toBe(10);
    expect(sizeSchema.safeParse("12 bananas").success).toBe(false);
    expect(sizeSchema.safeParse(-1).success).toBe(false);
  });
});
