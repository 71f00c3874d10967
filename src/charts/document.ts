/**
 * Where a figure is drawn: one render = one fresh JSDOM document (in Node). Plot gets it through
 * its `document` option, so nothing touches a global DOM and renders can run side by side.
 * The explore page's bundle takes document-browser.ts instead (scripts/build-explore.ts).
 */
import { JSDOM } from "jsdom";

export interface RenderContext {
  document: Document;
  serializer: { serializeToString(node: Node): string };
}

/** A fresh, empty document of its own. */
export function createRenderContext(): RenderContext {
  const { window } = new JSDOM("<!DOCTYPE html><html><body></body></html>");
  return { document: window.document, serializer: new window.XMLSerializer() };
}
