/*
 * The cluster recipes of examples/cluster, checked offline: the Kubernetes manifests against the
 * Job schema (kubernetes-models, generated from Kubernetes' OpenAPI), and each recipe's own shard
 * command run here once per index, with the variables its engine sets, then merged and compared
 * byte for byte with the same sweep run unsharded. (The Slurm recipe runs on a real Slurm in
 * test/cluster/slurm.sh.)
 */
import { spawn } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { describe, expect, test } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { tempDir } from "../temp.js";

/** Each recipe runs a dozen gilsim processes: minutes on a busy 2-core machine. */
const SLOW = 300_000;

/** How the workflow writes its matrix value. */
const MATRIX_SHARD = ["$", "{{ matrix.shard }}"].join("");

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLUSTER = join(ROOT, "examples/cluster");
const read = (path: string) => readFileSync(join(CLUSTER, path), "utf8");

/** A folder whose `gilsim` and `npx gilsim` run this checkout, put first on PATH. */
function shimPath(): string {
  const bin = join(tempDir("gilsim-cluster-bin-"), "bin");
  mkdirSync(bin);
  const gilsim = `exec "${process.execPath}" "${join(ROOT, "bin/gilsim.js")}" "$@"`;
  writeFileSync(join(bin, "gilsim"), `#!/bin/sh\n${gilsim}\n`);
  writeFileSync(join(bin, "npx"), `#!/bin/sh\n[ "$1" = gilsim ] || exit 97\nshift\n${gilsim}\n`);
  for (const f of ["gilsim", "npx"]) chmodSync(join(bin, f), 0o755);
  return `${bin}:${process.env.PATH}`;
}

/** Runs a shell command; rejects with its stderr when it fails. */
function sh(command: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (t) => {
      out += t;
    });
    child.stderr.on("data", (t) => {
      err += t;
    });
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command}\nexit ${code}: ${err}`))));
  });
}

/** The same sweep unsharded: the shard command without --shard auto, into `out`. */
function unsharded(command: string, out: string): string {
  expect(command).toContain("--shard auto");
  return command.replace("--shard auto", "").replace(/--out "[^"]+"/, `--out "${out}"`);
}

/** The merged folder's results are the unsharded run's, byte for byte. */
function expectSameResults(merged: string, reference: string): void {
  for (const name of ["sweep.json", "sweep.csv"]) {
    expect(readFileSync(join(merged, name), "utf8"), name).toBe(readFileSync(join(reference, name), "utf8"));
  }
}

/** The property names a kubernetes-models type declares (its d.ts, generated from the OpenAPI schema). */
function schemaKeys(type: string): Set<string> {
  const text = readFileSync(join(ROOT, "node_modules/kubernetes-models", `${type}.d.ts`), "utf8");
  return new Set([...text.matchAll(/^\s+"(\w+)"\??:/gm)].map((m) => m[1] as string));
}

function expectKnownKeys(value: object, type: string): void {
  const known = schemaKeys(type);
  for (const key of Object.keys(value)) expect(known.has(key), `${type} has no field ${key}`).toBe(true);
}

interface Container {
  env: { name: string; value: string }[];
  command: string[];
  args: string[];
}

function container(job: { spec: { template: { spec: { containers: Container[] } } } }): Container {
  return job.spec.template.spec.containers[0] as Container;
}

describe("examples/cluster/kubernetes", () => {
  const [claim, sweep] = parseAllDocuments(read("kubernetes/sweep-job.yaml")).map((d) => d.toJS());
  const merge = parse(read("kubernetes/merge-job.yaml"));

  test("the manifests are valid against the Job and PersistentVolumeClaim schemas, with only fields the schema has", () => {
    new PersistentVolumeClaim(claim).validate();
    new Job(sweep).validate();
    new Job(merge).validate();
    for (const job of [sweep, merge]) {
      expectKnownKeys(job.spec, "batch/v1/JobSpec");
      expectKnownKeys(job.spec.template.spec, "v1/PodSpec");
      expectKnownKeys(container(job), "v1/Container");
    }
    // What the recipe relies on: an Indexed Job, GILSIM_SHARD_COUNT equal to its completions,
    // per-index retries (which need restartPolicy Never), and one volume for both Jobs.
    expect(sweep.spec.completionMode).toBe("Indexed");
    const env = Object.fromEntries(container(sweep).env.map((e) => [e.name, e.value]));
    expect(Number(env.GILSIM_SHARD_COUNT)).toBe(sweep.spec.completions);
    expect(sweep.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    expect(sweep.spec.template.spec.restartPolicy).toBe("Never");
    expect(sweep.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(merge.spec.template.spec.volumes).toEqual(sweep.spec.template.spec.volumes);
    expect(container(merge).env).toEqual(container(sweep).env.filter((e) => e.name === "GILSIM_RESULTS"));
  });

  test("each index's container command, run here with JOB_COMPLETION_INDEX, merges into the unsharded results", {
    timeout: SLOW,
  }, async () => {
    const results = tempDir("gilsim-k8s-");
    const base = Object.fromEntries(container(sweep).env.map((e) => [e.name, e.value]));
    const env = { ...process.env, ...base, GILSIM_RESULTS: join(results, "sweep"), PATH: shimPath() };
    const [shell, flag] = container(sweep).command as [string, string];
    expect([shell, flag]).toEqual(["sh", "-c"]);
    const command = container(sweep).args[0] as string;
    const indices = Array.from({ length: sweep.spec.completions }, (_, i) => i);
    await Promise.all(indices.map((i) => sh(command, { ...env, JOB_COMPLETION_INDEX: String(i) })));
    await sh(container(merge).args[0] as string, env);
    const reference = join(results, "unsharded");
    await sh(unsharded(command, reference), env);
    expectSameResults(join(results, "sweep", "merged"), reference);
  });
});

describe("examples/cluster/aws-batch", () => {
  test("the array job's command, run here with each AWS_BATCH_JOB_ARRAY_INDEX, merges into the unsharded results", {
    timeout: SLOW,
  }, async () => {
    const definition = JSON.parse(read("aws-batch/job-definition.json"));
    expect(definition.type).toBe("container");
    const props = definition.containerProperties;
    const [shell, flag, command] = props.command as [string, string, string];
    expect([shell, flag]).toEqual(["sh", "-c"]);
    expect(props.mountPoints[0].sourceVolume).toBe(props.volumes[0].name);
    const results = tempDir("gilsim-aws-");
    const env = {
      ...process.env,
      GILSIM_RESULTS: join(results, "sweep"),
      AWS_BATCH_JOB_ARRAY_SIZE: "3",
      PATH: shimPath(),
    };
    await Promise.all([0, 1, 2].map((i) => sh(command, { ...env, AWS_BATCH_JOB_ARRAY_INDEX: String(i) })));
    await sh(`gilsim merge "$GILSIM_RESULTS" --out "$GILSIM_RESULTS/merged"`, env);
    const reference = join(results, "unsharded");
    await sh(unsharded(command, reference), env);
    expectSameResults(join(results, "sweep", "merged"), reference);
  });
});

describe("examples/cluster/github-actions", () => {
  test("the matrix jobs' sweep step and the merge step, run here as the workflow lays the artifacts out, give the unsharded results", {
    timeout: SLOW,
  }, async () => {
    const workflow = parse(read("github-actions/sweep.yml"));
    const shards: number[] = workflow.jobs.shard.strategy.matrix.shard;
    const runs = (job: { steps: { run?: string }[] }) => job.steps.flatMap((s) => (s.run ? [s.run] : []));
    const sweepStep = runs(workflow.jobs.shard).find((r) => r.includes("gilsim sweep")) as string;
    const mergeStep = runs(workflow.jobs.merge).find((r) => r.includes("gilsim merge")) as string;
    expect(workflow.jobs.merge.needs).toBe("shard");
    const upload = workflow.jobs.shard.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("actions/upload-artifact"),
    );
    const download = workflow.jobs.merge.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("actions/download-artifact"),
    );
    const env = { ...process.env, PATH: shimPath() };
    const runner = tempDir("gilsim-gha-");
    await Promise.all(
      shards.map(async (k) => {
        const cwd = join(runner, `runner-${k}`);
        mkdirSync(cwd);
        await sh(sweepStep.replaceAll(MATRIX_SHARD, String(k)), env, cwd);
        // download-artifact with a pattern puts each artifact in a folder of its name.
        const name = upload.with.name.replace(MATRIX_SHARD, String(k));
        const path = upload.with.path.replace(MATRIX_SHARD, String(k));
        cpSync(join(cwd, path), join(runner, "merge", download.with.path, name), { recursive: true });
      }),
    );
    await sh(mergeStep, env, join(runner, "merge"));
    const reference = join(runner, "unsharded");
    await sh(
      sweepStep
        .replaceAll(MATRIX_SHARD, "1")
        .replace(/--shard \S+/, "")
        .replace(/--out \S+/, `--out ${reference}`),
      env,
    );
    expectSameResults(join(runner, "merge", "merged"), reference);
  });
});
