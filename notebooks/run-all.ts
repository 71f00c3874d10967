/**
 * `npm start`: runs every notebook into output/ (or $GILSIM_OUTPUT) with progress on a terminal,
 * builds the explorable page (output/explore/index.html), then writes output/index.html.
 * `npm start -- --watch` re-renders a notebook when it or the source changes.
 * `npm start -- NAME ...` runs only those notebooks.
 */
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join, relative } from "node:path";
import { buildExplore } from "../scripts/build-explore.js";
import { createProgress } from "../src/sweep/progress.js";
import { batchSummary } from "./lib/batch-summary.js";
import { writeGallery } from "./lib/gallery.js";
import { type Notebook, outputRoot, runNotebook } from "./lib/notebook.js";
import { NOTEBOOKS } from "./registry.js";

const args = process.argv.slice(2);
const watchMode = args.includes("--watch");
const unknown = args.filter((a) => a.startsWith("-") && a !== "--watch");
if (unknown.length > 0) {
  process.stderr.write(`gilsim: unknown option ${unknown[0]} (expected --watch or notebook names)\n`);
  process.exit(2);
}
const names = args.filter((a) => !a.startsWith("-"));
const all = NOTEBOOKS.map((m) => m.meta.id);
for (const n of names) {
  if (!all.includes(n)) {
    process.stderr.write(`gilsim: unknown notebook ${n} (expected one of ${all.join(", ")})\n`);
    process.exit(2);
  }
}
const tty = Boolean(process.stderr.isTTY);
const root = outputRoot();

/** The output folder as the summary names it: relative to here when inside it, else as given. */
function shownRoot(): string {
  const rel = relative(process.cwd(), root);
  return rel === "" ? "." : rel.startsWith("..") ? root : rel;
}

async function runBatch(): Promise<boolean> {
  const chosen = NOTEBOOKS.filter((m) => names.length === 0 || names.includes(m.meta.id));
  const done: Notebook[] = [];
  const failed: string[] = [];
  const t0 = performance.now();
  const all = names.length === 0;
  // On a terminal, a bar of finished steps (each notebook, then the explore page) with the time left.
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t), isTTY: tty };
  const bar = createProgress(io, "npm start", chosen.length + (all ? 1 : 0), 0, "notebooks");
  for (const [i, mod] of chosen.entries()) {
    try {
      done.push(await runNotebook(mod, root));
    } catch (error) {
      failed.push(mod.meta.id);
      bar.stop();
      process.stderr.write(`gilsim: notebook ${mod.meta.id} failed: ${(error as Error).stack ?? error}\n`);
    }
    bar.update(i + 1);
  }
  const explore = all && failed.length === 0;
  if (explore) {
    await buildExplore(root);
    await writeGallery(root, done);
    bar.update(chosen.length + 1);
  }
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${batchSummary({ ran: chosen.length, failed, explore, root: shownRoot(), seconds })}\n`);
  return failed.length === 0;
}

/** Re-renders in a child process, so edited modules are loaded fresh. */
function rerender(ids: string[]): void {
  process.stderr.write(`re-rendering ${ids.length === all.length ? "all notebooks" : ids.join(", ")}\n`);
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-all.ts"), ...ids], {
    stdio: "inherit",
  });
  child.on("exit", (code) =>
    process.stderr.write(code === 0 ? "done; watching\n" : `failed (exit ${code}); watching\n`),
  );
}

const ok = await runBatch();
if (!watchMode) process.exit(ok ? 0 : 1);

let timer: NodeJS.Timeout | undefined;
const changed = new Set<string>();
const onChange = (dir: string) => (_event: string, file: string | null) => {
  if (!file?.endsWith(".ts")) return;
  const id = file.replace(/\.ts$/, "");
  changed.add(dir === "notebooks" && all.includes(id) ? id : "*");
  clearTimeout(timer);
  timer = setTimeout(() => {
    const ids = changed.has("*") ? all : [...changed];
    changed.clear();
    rerender(ids);
  }, 200);
};
watch(join(import.meta.dirname), { recursive: true }, onChange("notebooks"));
watch(join(import.meta.dirname, "..", "src"), { recursive: true }, onChange("src"));
process.stderr.write("watching notebooks/ and src/ (Ctrl-C to stop)\n");
