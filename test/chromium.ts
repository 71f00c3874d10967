/** Headless Chromium for browser tests: Debian's build, driven by playwright-core. */
import { existsSync } from "node:fs";

/** The flags every browser test launches Chromium with. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium's path ($CHROMIUM_PATH, or Debian's), or null when none is installed. */
export function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (p && existsSync(p)) return p;
  }
  return null;
}

/** Why a browser test is skipped when there is no Chromium. */
export const NO_CHROMIUM = "no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH); .ci/run installs it";
