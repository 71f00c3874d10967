/**
 * document.ts for a browser bundle (scripts/build-explore.ts swaps one for the other): a fresh,
 * detached document from the page's own DOM, so the charts draw the same figures with no JSDOM.
 */
import type { RenderContext } from "./document.js";

export type { RenderContext } from "./document.js";

/** A fresh, empty document of its own. */
export function createRenderContext(): RenderContext {
  return { document: document.implementation.createHTMLDocument(""), serializer: new XMLSerializer() };
}
