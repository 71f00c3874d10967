/**
 * PNG export with resvg. Fonts are loaded by file path and system fonts are not scanned, so the
 * pixels depend only on the SVG and these font files, not on what the machine has installed.
 */
import { Resvg } from "@resvg/resvg-js";
import { positiveNumber } from "./options.js";

export const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
] as const;

export interface PngOptions {
  /** Pixels per CSS px; default 2 (sharp on slides and high-density screens). */
  scale?: number;
  /** Font files to load instead of DejaVu Sans regular and bold. */
  fontFiles?: readonly string[];
}

/** Renders a standalone SVG to PNG bytes at `scale` times its size. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = positiveNumber("scale", options.scale, 2);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontFiles: [...(options.fontFiles ?? FONT_FILES)],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
    logLevel: "off",
  });
  return resvg.render().asPng();
}
