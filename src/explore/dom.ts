/** Small DOM helpers for the page: find an element that must exist, make one, measure text. */
import { PAGE_FONT } from "./theme.js";

/** The element with this id; the page's template has it, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(`#${id}`);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/** The first element matching `selector` under `root`. */
export function find<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

let canvas: HTMLCanvasElement | null = null;

/** Width in px of `text` at `size` px in the page's font. */
export function measureText(text: string, size = 11): number {
  canvas ??= document.createElement("canvas");
  const g = canvas.getContext("2d");
  if (!g) return text.length * size * 0.6;
  g.font = `${size}px ${PAGE_FONT}`;
  return g.measureText(text).width;
}

/** Replaces a container's content with one node. */
export function show(container: Element, node: Node): void {
  container.replaceChildren(node);
}
