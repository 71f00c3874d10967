/**
 * The page's one script. In the page it starts the app; started again as a worker (from a blob:
 * URL of its own text, which the runner keeps), it serves runs instead, so the simulator ships once.
 */
import { App } from "./app.js";
import { keepPageScript } from "./runner.js";
import { serveWorker } from "./worker.js";

if (typeof document === "undefined") serveWorker();
else {
  keepPageScript(document.currentScript?.textContent ?? null);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => new App());
  else new App();
}
