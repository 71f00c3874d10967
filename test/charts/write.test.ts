import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFigure } from "../../src/charts/write.js";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10"><rect width="20" height="10" fill="#ffffff"/></svg>\n`;
const figure = { svg, width: 20, height: 10, title: "a square" };
const dirs: string[] = [];

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), "gilsim-write-"));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("writeFigure", () => {
  it("writeFigure(path.svg) writes the SVG text and leaves no temporary file", () => {
    const d = dir();
    writeFigure(join(d, "fig.svg"), figure);
    expect(readFileSync(join(d, "fig.svg"), "utf8")).toBe(svg);
    expect(readdirSync(d)).toEqual(["fig.svg"]);
  });

  it("writeFigure(path.png) writes a PNG, creating missing folders", () => {
    const d = dir();
    writeFigure(join(d, "a", "b", "fig.png"), figure);
    const png = readFileSync(join(d, "a", "b", "fig.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(40);
  });

  it("writeFigure rejects other extensions by name", () => {
    expect(() => writeFigure(join(dir(), "fig.jpg"), figure)).toThrow(
      /invalid figure path: ".*fig\.jpg" \(expected a \.svg or \.png file name\)/,
    );
  });
});
