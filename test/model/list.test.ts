import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { removeAt, removeItem } from "../../src/model/list.js";

describe("list removal without splice", () => {
  it("removeAt leaves what splice(i, 1) leaves, for any list and index in it", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.nat(), (xs, k) => {
        const i = k % xs.length;
        const ours = [...xs];
        removeAt(ours, i);
        const theirs = [...xs];
        theirs.splice(i, 1);
        expect(ours).toEqual(theirs);
      }),
    );
  });

  it("removeItem takes out the first occurrence only, and says false for an item not there", () => {
    const xs = [3, 1, 3, 2];
    expect(removeItem(xs, 3)).toBe(true);
    expect(xs).toEqual([1, 3, 2]);
    expect(removeItem(xs, 7)).toBe(false);
    expect(xs).toEqual([1, 3, 2]);
  });
});
