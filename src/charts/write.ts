/**
 * Writing figures to disk: the format follows the file extension (.svg or .png), and the bytes go
 * to a temporary file in the same folder that is then renamed, so a reader never sees half a file.
 */
import { extname } from "node:path";
import { writeFileAtomicSync } from "../io/atomic.js";
import { type PngOptions, svgToPng } from "./png.js";
import type { Figure } from "./types.js";

export function writeFigure(path: string, figure: Figure, options: PngOptions = {}): void {
  const extension = extname(path).toLowerCase();
  let bytes: string | Buffer;
  if (extension === ".svg") bytes = figure.svg;
  else if (extension === ".png") bytes = svgToPng(figure.svg, options);
  else throw new RangeError(`invalid figure path: ${JSON.stringify(path)} (expected a .svg or .png file name)`);
  writeFileAtomicSync(path, bytes);
}
