/**
 * Turning DOM trees into standalone, deterministic SVG text.
 *
 * Plot's output leans on a page around it: a <style> keyed to a class, `currentColor`, the CSS
 * variable --plot-background and a system font. cleanPlotSvg removes all four. finishSvg then
 * renames ids in document order (Plot numbers clip paths with a counter that lives as long as the
 * module) and rounds long decimals in geometry, so the same input gives the same bytes in any
 * process, and serializes the tree with xmlns written once, on the root.
 */
import { BACKGROUND, INK } from "./theme.js";

export const SVG_NS = "http://www.w3.org/2000/svg";

/** Attributes whose numbers are geometry, rounded to 2 decimals (1/100 px). */
const GEOMETRY = new Set([
  "x",
  "y",
  "x1",
  "x2",
  "y1",
  "y2",
  "cx",
  "cy",
  "r",
  "rx",
  "ry",
  "width",
  "height",
  "d",
  "transform",
  "points",
  "viewBox",
  "stroke-width",
  "stroke-dasharray",
]);

// Only numbers written with a decimal point: hex colours ("#e6e6e6") and integers are left alone.
const NUMBER = /-?(?:\d+\.\d+|\.\d+)(?:e[-+]?\d+)?/gi;

/** Rounds every decimal number in `text` to `digits` places, dropping trailing zeros and "-0". */
export function roundNumbers(text: string, digits = 2): string {
  const scale = 10 ** digits;
  return text.replace(NUMBER, (match) => {
    const value = Math.round(Number(match) * scale) / scale;
    return Object.is(value, -0) ? "0" : String(value);
  });
}

function elements(root: Element): Element[] {
  return [root, ...Array.from(root.querySelectorAll("*"))];
}

/**
 * Makes an svg made by Plot self-contained: no <style>, no class, no currentColor, no CSS
 * variable, no font of its own, no empty <text>.
 */
export function cleanPlotSvg(svg: Element): void {
  for (const style of Array.from(svg.querySelectorAll("style"))) style.remove();
  // Axes drawn with text: null leave empty labels behind.
  for (const text of Array.from(svg.querySelectorAll("text"))) {
    if (text.childNodes.length === 0 || text.textContent === "") text.remove();
  }
  for (const element of elements(svg)) {
    element.removeAttribute("class");
    for (const attribute of Array.from(element.attributes)) {
      const value = attribute.value;
      if (!value.includes("currentColor") && !value.includes("var(--plot-background)")) continue;
      element.setAttribute(
        attribute.name,
        value.replaceAll("currentColor", INK).replaceAll("var(--plot-background)", BACKGROUND),
      );
    }
  }
  svg.removeAttribute("font-family");
}

/** Renames ids to "<kind>-<n>" in document order and rewrites every #reference to them. */
function stabilizeIds(root: Element): void {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const element of elements(root)) {
    const id = element.getAttribute("id");
    if (id === null) continue;
    const kind = id.replace(/^plot-/, "").replace(/-?\d+$/, "") || "id";
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    renamed.set(id, `${kind}-${n}`);
    element.setAttribute("id", `${kind}-${n}`);
  }
  if (renamed.size === 0) return;
  for (const element of elements(root)) {
    for (const attribute of Array.from(element.attributes)) {
      if (!attribute.value.includes("#")) continue;
      const value = attribute.value.replace(/#([A-Za-z_][\w-]*)/g, (match, id: string) => {
        const to = renamed.get(id);
        return to === undefined ? match : `#${to}`;
      });
      if (value !== attribute.value) element.setAttribute(attribute.name, value);
    }
  }
}

function roundGeometry(root: Element): void {
  for (const element of elements(root)) {
    for (const attribute of Array.from(element.attributes)) {
      if (!GEOMETRY.has(attribute.name)) continue;
      const value = roundNumbers(attribute.value);
      if (value !== attribute.value) element.setAttribute(attribute.name, value);
    }
  }
}

/** Something that serializes DOM nodes, such as a JSDOM window's XMLSerializer. */
export interface Serializer {
  serializeToString(node: Node): string;
}

/** Stable ids, rounded geometry, then XML text ending in a newline. The root must be an <svg> in the SVG namespace. */
export function finishSvg(root: Element, serializer: Serializer): string {
  if (root.namespaceURI !== SVG_NS || root.localName !== "svg") {
    throw new Error(`finishSvg needs an <svg> root in the SVG namespace, got <${root.localName}>`);
  }
  stabilizeIds(root);
  roundGeometry(root);
  return `${serializer.serializeToString(root)}\n`;
}

/**
 * Canonical text for comparing SVG files: LF line ends, no trailing spaces, decimals inside
 * attribute values rounded, one final newline. Idempotent, so a golden file stays stable.
 */
export function normalizeSvgText(svg: string): string {
  const lines = svg.replace(/\r\n?/g, "\n").replace(/="([^"]*)"/g, (_, value: string) => `="${roundNumbers(value)}"`);
  return `${lines
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd()}\n`;
}
