/**
 * Sharing: the link (the URL holds the whole scenario), downloads of each figure as SVG or PNG, the
 * scenario and metrics JSON and the Chrome trace, and the CLI command that runs the same scenario.
 */
import type { Figure } from "../charts/types.js";
import { byId, el } from "./dom.js";
import { download, FIGURE_LABELS, FIGURES, type FigureName, pngOf } from "./export.js";

export interface ShareSource {
  /** The report figure of the active configuration, or null when it has none. */
  figure(name: FigureName): Figure | null;
  scenarioText(): string | null;
  metricsText(): string | null;
  traceText(): string | null;
  /** File names start with this (the scenario's name). */
  stem(): string;
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // A page from file:// may not reach the clipboard API: select the text and copy it.
    const box = el("textarea");
    box.value = text;
    document.body.append(box);
    box.select();
    const ok = document.execCommand("copy");
    box.remove();
    return ok;
  }
}

export class SharePanel {
  constructor(private readonly source: ShareSource) {
    const choice = byId<HTMLSelectElement>("figure-choice");
    choice.replaceChildren(...FIGURES.map((f) => el("option", { value: f }, FIGURE_LABELS[f])));
    const said = byId("copied");
    const tell = (text: string) => {
      said.textContent = text;
    };
    byId("copy-link").addEventListener("click", async () => {
      tell((await copy(location.href)) ? "Link copied." : "Copy the address bar: it holds the whole scenario.");
    });
    byId("copy-cli").addEventListener("click", async () => {
      tell(
        (await copy(byId<HTMLTextAreaElement>("cli").value)) ? "Command copied." : "Select the command and copy it.",
      );
    });
    const figure = (): { name: FigureName; fig: Figure } | null => {
      const name = choice.value as FigureName;
      const fig = this.source.figure(name);
      if (!fig) tell(`This run has no ${FIGURE_LABELS[name]} to save.`);
      return fig ? { name, fig } : null;
    };
    byId("dl-svg").addEventListener("click", () => {
      const f = figure();
      if (f) download(`${this.source.stem()}-${f.name}.svg`, f.fig.svg, "image/svg+xml");
    });
    byId("dl-png").addEventListener("click", async () => {
      const f = figure();
      if (f) download(`${this.source.stem()}-${f.name}.png`, await pngOf(f.fig));
    });
    const text = (name: string, get: () => string | null) => () => {
      const t = get();
      if (t !== null) download(name, t);
    };
    byId("dl-scenario").addEventListener(
      "click",
      text("scenario.json", () => this.source.scenarioText()),
    );
    byId("dl-metrics").addEventListener("click", () => {
      const t = this.source.metricsText();
      if (t !== null) download(`${this.source.stem()}-metrics.json`, t);
    });
    byId("dl-trace").addEventListener("click", () => {
      const t = this.source.traceText();
      if (t !== null) download(`${this.source.stem()}-trace.json`, t);
    });
  }

  /** Shows the command for the active configuration. */
  command(text: string): void {
    const box = byId<HTMLTextAreaElement>("cli");
    box.value = text;
    box.rows = Math.min(16, text.split("\n").length);
  }
}
