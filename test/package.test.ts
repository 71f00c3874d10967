/*
 * The package as a user gets it: `npm pack`, the tarball installed into a fresh project, and there
 * the README's TypeScript example run as .mjs with plain node, a .ts use type-checked with tsc, and
 * `npx gilsim simulate convoy`. Packs the current dist/ (npm test builds first). Dependencies come
 * from npm's cache when it has them (--prefer-offline), from the registry otherwise.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { tempDir } from "./temp.js";

const ROOT = join(import.meta.dirname, "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const project = tempDir("gilsim-pack-");

/** The README's ```ts example (the block after "From TypeScript:"). */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = readme.split("From TypeScript:")[1]?.match(/```ts\n([\s\S]*?)```/);
  if (!block?.[1]) throw new Error("README.md has no ```ts block after 'From TypeScript:'");
  return block[1];
}

/** Runs `node args` in the project with a loader hook that lists every module URL it resolves. */
function nodeInProject(args: string[]): { status: number | null; out: string; err: string; loaded: string[] } {
  const log = join(project, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(project, "hook.mjs")).href, ...args], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, GILSIM_LOADED: log },
  });
  return { status: r.status, out: r.stdout, err: r.stderr, loaded: readFileSync(log, "utf8").split("\n") };
}

const RENDERERS = /node_modules\/(jsdom|@observablehq\/plot|@resvg\/resvg-js)\//;

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/index.js")) || !existsSync(join(ROOT, "dist/bin/gilsim.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test builds first)");
  }
  execFileSync(NPM, ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], { cwd: ROOT });
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-gilsim", private: true, type: "module" }));
  execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${tarball}`], {
    cwd: project,
    stdio: ["ignore", "ignore", "inherit"],
  });
  // A loader hook recording each resolved module, to see what an entry loads.
  writeFileSync(
    join(project, "hook.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(project, "record.mjs")).href)});\n`,
  );
  writeFileSync(
    join(project, "record.mjs"),
    `import { appendFileSync } from "node:fs";\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  if (process.env.GILSIM_LOADED) appendFileSync(process.env.GILSIM_LOADED, r.url + "\\n");\n  return r;\n}\n`,
  );
}, 600_000);

describe("the packed package", () => {
  test("ships dist/ (JavaScript and .d.ts), the bin, the Python harness and no TypeScript sources", () => {
    const pkg = join(project, "node_modules/gilsim");
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/charts/index.d.ts",
      "dist/bin/gilsim.js",
      "bin/gilsim.js",
    ]) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(pkg, "dist/real/harness.py"))).toBe(true);
    expect(existsSync(join(pkg, "dist/capture/py/gilsim_record.py"))).toBe(true);
    expect(existsSync(join(pkg, "dist/capture/py/sitecustomize.py"))).toBe(true);
    expect(existsSync(join(pkg, "src"))).toBe(false);
  });

  test("every file its package.json names (main, types, bin, exports, browser) is in the package", () => {
    const pkg = join(project, "node_modules/gilsim");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as Record<string, unknown>;
    // Strings anywhere in main, types, bin and exports' values; a browser map's relative paths
    // (its keys and values; a bare module name or false is not a file of this package).
    const values = (v: unknown): string[] =>
      typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(values) : [];
    const browser = manifest.browser;
    const files = [
      ...["main", "types", "bin", "exports"].flatMap((field) => values(manifest[field])),
      ...(typeof browser === "string"
        ? [browser]
        : Object.entries(browser ?? {})
            .flatMap(([k, v]) => [k, ...values(v)])
            .filter((p) => p.startsWith("."))),
    ];
    expect(files).toContain("./dist/index.js");
    for (const f of files) expect(existsSync(join(pkg, f)), f).toBe(true);
  });

  test("the installed gilsim records a Python program (the recorder ships in dist/) and fits the recording", () => {
    writeFileSync(
      join(project, "pool.py"),
      "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(2) as ex:\n    list(ex.map(lambda i: sum(range(20000 + i)), range(6)))\n",
    );
    const gilsim = join(project, "node_modules/.bin/gilsim");
    const rec = spawnSync(gilsim, ["record", "--out", "pool.jsonl", "--", "python3", "pool.py"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(rec.stderr).toMatch(/6 tasks, on a thread pool of 2/);
    expect(rec.status).toBe(0);
    const fit = spawnSync(gilsim, ["fit", "pool.jsonl", "--out", "pool.json", "--warmup", "0s", "--no-check"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(fit.stdout).toMatch(/^fitted 6 tasks .* on a ThreadPoolExecutor\(2\)$/m);
    expect(fit.status).toBe(0);
    expect(JSON.parse(readFileSync(join(project, "pool.json"), "utf8")).executor).toEqual({
      kind: "threads",
      workers: 2,
    });
  });

  test("the README's TypeScript example runs as .mjs with plain node, loading no renderer", () => {
    writeFileSync(join(project, "example.mjs"), readmeExample());
    const r = nodeInProject(["example.mjs"]);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^\d+(\.\d+)? ms\n$/);
    expect(r.loaded.some((u) => u.includes("/node_modules/gilsim/dist/index.js"))).toBe(true);
    expect(r.loaded.filter((u) => RENDERERS.test(u))).toEqual([]);
  });

  test("gilsim/charts loads the renderers (the check above can see them)", () => {
    writeFileSync(
      join(project, "charts.mjs"),
      'import { timelineChart } from "gilsim/charts";\nconsole.log(typeof timelineChart);\n',
    );
    const r = nodeInProject(["charts.mjs"]);
    expect(r.out).toBe("function\n");
    expect(r.loaded.some((u) => RENDERERS.test(u))).toBe(true);
  });

  test("a .ts use of every entry type-checks with tsc (strict, NodeNext)", () => {
    writeFileSync(
      join(project, "use.ts"),
      `${readmeExample()}
import { type Trace, type Metrics, Simulation } from "gilsim";
import { type Figure, timelineChart } from "gilsim/charts";
import { type RealResult, runReal } from "gilsim/real";
import { planSweep, parseAxes, type SweepPlan } from "gilsim/sweep";

const sim = new Simulation({ seed: 1 });
const tick: number = sim.register((arg: number) => void arg);
sim.cancel(sim.schedule(10, tick));
const p99: number = (metrics as Metrics).latency.p99;
const figure: Figure | null = trace ? timelineChart(trace as Trace, { title: "t" }) : null;
const plan: SweepPlan = planSweep(s, "s", parseAxes(["executor.workers=1,2"]));
const later: (x: Parameters<typeof runReal>[0]) => Promise<RealResult> = runReal;
export { p99, figure, plan, later };
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          typeRoots: [join(ROOT, "node_modules/@types")],
        },
        files: ["use.ts"],
      }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("npx gilsim simulate convoy runs the built CLI, with no tsx and no renderer loaded", () => {
    const r = spawnSync("npx", ["--no-install", "gilsim", "simulate", "convoy"], { cwd: project, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tasks/);
    expect(existsSync(join(project, "node_modules/tsx"))).toBe(false);
    const help = nodeInProject([join(project, "node_modules/gilsim/bin/gilsim.js"), "--help"]);
    expect(help.status).toBe(0);
    const sim = nodeInProject([join(project, "node_modules/gilsim/bin/gilsim.js"), "simulate", "convoy"]);
    expect(sim.status).toBe(0);
    for (const run of [help, sim]) {
      expect(run.loaded.filter((u) => RENDERERS.test(u) || u.includes("/tsx/"))).toEqual([]);
      // The CLI is one bundled module plus its chunks, not the per-file dist/.
      expect(run.loaded.some((u) => u.includes("/dist/bin/gilsim.js"))).toBe(true);
    }
  });
});
