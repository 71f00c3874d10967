/** A slice of a sweep: shard `k` of `n` (1-based), as given by `--shard K/N`. */
export interface Shard {
  k: number;
  n: number;
}

const SHARD = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** Parses `--shard 2/4`. */
export function parseShard(text: string): Shard {
  const m = SHARD.exec(text);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(k) || !Number.isSafeInteger(n) || n < 1 || k < 1 || k > n) {
    throw new RangeError(`invalid --shard: ${text} (expected K/N with 1 <= K <= N, like 2/4, or auto)`);
  }
  return { k, n };
}

/** `2/4`, or "" for the whole sweep. */
export function formatShard(shard: Shard | null): string {
  return shard === null ? "" : `${shard.k}/${shard.n}`;
}

/** A batch engine's array index and count, as environment variable names. */
interface Engine {
  name: string;
  index: string;
  count: string;
  /** What to tell a user whose count is missing. */
  hint: string;
}

/** The engines `--shard auto` knows, in the order it looks for them. Their indices start at 0. */
export const ENGINES: readonly Engine[] = [
  {
    name: "Kubernetes Indexed Job",
    index: "JOB_COMPLETION_INDEX",
    count: "GILSIM_SHARD_COUNT",
    hint: "set it to the Job's completions in the pod template's env (Kubernetes does not give the count)",
  },
  {
    name: "AWS Batch array job",
    index: "AWS_BATCH_JOB_ARRAY_INDEX",
    count: "AWS_BATCH_JOB_ARRAY_SIZE",
    hint: "AWS Batch sets it in array jobs; set it to the array size",
  },
  {
    name: "Google Cloud Batch",
    index: "BATCH_TASK_INDEX",
    count: "BATCH_TASK_COUNT",
    hint: "Cloud Batch sets it; set it to the task count",
  },
  {
    name: "Cloud Run job",
    index: "CLOUD_RUN_TASK_INDEX",
    count: "CLOUD_RUN_TASK_COUNT",
    hint: "Cloud Run sets it; set it to the task count",
  },
];

/** A shard read from the environment, and where from, for the run's summary. */
export interface AutoShard {
  shard: Shard;
  /** `SLURM_ARRAY_TASK_ID=5 of 4..7`: the variables that decided it. */
  source: string;
}

/**
 * The shard of `--shard auto`, from the batch engine's environment: a Slurm job array
 * (SLURM_ARRAY_TASK_ID, whose indices run from SLURM_ARRAY_TASK_MIN to SLURM_ARRAY_TASK_MAX by
 * SLURM_ARRAY_TASK_STEP, any start), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, from 0, with
 * GILSIM_SHARD_COUNT), AWS Batch, Google Cloud Batch or Cloud Run (indices from 0 with the
 * engine's count). Throws a RangeError naming the variable to set when one is missing or wrong.
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): AutoShard {
  const read = (name: string): number | null => {
    const text = env[name];
    if (text === undefined || text.trim() === "") return null;
    if (!/^\s*\d+\s*$/.test(text)) throw new RangeError(`invalid ${name}: ${text} (expected a non-negative integer)`);
    return Number(text);
  };
  const id = read("SLURM_ARRAY_TASK_ID");
  if (id !== null) return slurmShard(id, read);
  for (const engine of ENGINES) {
    const index = read(engine.index);
    if (index === null) continue;
    const count = read(engine.count);
    if (count === null) {
      throw new RangeError(`--shard auto: ${engine.index} is set but ${engine.count} is not: ${engine.hint}`);
    }
    if (count < 1 || index >= count) {
      throw new RangeError(
        `--shard auto: ${engine.index}=${index} does not fit ${engine.count}=${count} (expected an index from 0 to the count - 1)`,
      );
    }
    return { shard: { k: index + 1, n: count }, source: `${engine.index}=${index} of ${engine.count}=${count}` };
  }
  const names = ["SLURM_ARRAY_TASK_ID", ...ENGINES.map((e) => e.index)].join(", ");
  throw new RangeError(
    `--shard auto: no array index in the environment (expected one of ${names}); or give --shard K/N`,
  );
}

/** Shard of a Slurm array task: its place among the array's indices MIN, MIN + STEP, ..., MAX. */
function slurmShard(id: number, read: (name: string) => number | null): AutoShard {
  const min = read("SLURM_ARRAY_TASK_MIN");
  const max = read("SLURM_ARRAY_TASK_MAX");
  const step = read("SLURM_ARRAY_TASK_STEP") ?? 1;
  let count = read("SLURM_ARRAY_TASK_COUNT");
  if (min === null || max === null) {
    const missing = min === null ? "SLURM_ARRAY_TASK_MIN" : "SLURM_ARRAY_TASK_MAX";
    throw new RangeError(
      `--shard auto: SLURM_ARRAY_TASK_ID is set but ${missing} is not (Slurm sets both in an array job; outside one, set them or give --shard K/N)`,
    );
  }
  if (step < 1 || max < min || id < min || id > max || (id - min) % step !== 0) {
    throw new RangeError(
      `--shard auto: SLURM_ARRAY_TASK_ID=${id} is not an index of the array ${min}-${max}:${step} (SLURM_ARRAY_TASK_MIN, _MAX, _STEP)`,
    );
  }
  const span = Math.floor((max - min) / step) + 1;
  count ??= span;
  if (count !== span) {
    // --array=1,3,7 (or a resubmission of some indices): the indices do not tell the shard count.
    throw new RangeError(
      `--shard auto: the Slurm array ${min}-${max} has ${count} tasks, not ${span}: its indices have gaps, so they do not number the shards; submit a range like --array=0-${count - 1}, or give --shard K/N`,
    );
  }
  const k = (id - min) / step + 1;
  return { shard: { k, n: count }, source: `SLURM_ARRAY_TASK_ID=${id} of ${min}-${max}${step > 1 ? `:${step}` : ""}` };
}
