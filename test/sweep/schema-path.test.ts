import { describe, expect, test } from "vitest";
import { acceptedKinds, keysOfKind, schemasAt } from "../../src/sweep/schema-path.js";

const kinds = (path: (string | number)[]) => [...acceptedKinds(schemasAt(path))].sort();

describe("schemasAt", () => {
  test("schemasAt finds fields of any executor kind", () => {
    expect(schemasAt(["executor", "workers"]).length).toBeGreaterThan(0);
    expect(schemasAt(["executor", "offload", "workers"]).length).toBeGreaterThan(0);
    expect(schemasAt(["executor", "startMethod"]).length).toBeGreaterThan(0);
  });

  test("schemasAt walks lists, step unions and distribution objects", () => {
    expect(schemasAt(["workload", "classes", 0, "steps", 1, "cpu"]).length).toBeGreaterThan(0);
    expect(schemasAt(["workload", "classes", 0, "steps", 0, "cpu", "mean"]).length).toBeGreaterThan(0);
    expect(schemasAt(["workload", "classes", 0, "steps", 0, "offload", 0, "io"]).length).toBeGreaterThan(0);
  });

  test("schemasAt gives nothing for a path no branch of the schema has", () => {
    expect(schemasAt(["executor", "wrkers"])).toEqual([]);
    expect(schemasAt(["nothing"])).toEqual([]);
    expect(schemasAt(["machine", "cores", "deeper"])).toEqual([]);
    expect(schemasAt(["workload", "classes", "first"])).toEqual([]);
  });
});

describe("acceptedKinds", () => {
  test("acceptedKinds tells numbers, strings and booleans apart", () => {
    expect(kinds(["executor", "workers"])).toEqual(["number"]);
    expect(kinds(["runtime", "python"])).toEqual(["string"]);
    expect(kinds(["runtime", "gil"])).toEqual(["string"]);
    expect(kinds(["run", "trace"])).toEqual(["boolean"]);
    // A duration is "2ms" or a number of ms; a duration distribution also takes an object.
    expect(kinds(["runtime", "switchInterval"])).toEqual(["number", "string"]);
    expect(kinds(["workload", "classes", 0, "steps", 0, "cpu"])).toEqual(["number", "object", "string"]);
  });

  test("keysOfKind gives the keys of the branch with that kind, or null where nothing has a kind", () => {
    const keys = (path: (string | number)[], kind: string) => {
      const k = keysOfKind(path, kind);
      return k === null ? null : [...k].sort();
    };
    expect(keys(["executor"], "asyncio")).toEqual(["kind", "loops", "offload"]);
    expect(keys(["executor"], "processes")).toEqual(["kind", "startMethod", "workers"]);
    expect(keys(["executor", "offload"], "threads")).toEqual(["kind", "workers"]);
    expect(keys(["workload", "arrivals"], "closed")).toEqual(["clients", "count", "kind", "think"]);
    expect(keys(["executor"], "fibers")).toBeNull();
    expect(keys(["runtime"], "threads")).toBeNull();
  });
});
