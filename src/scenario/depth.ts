/** The deepest a scenario may nest lists and objects: a repeat in a repeat ... about 28 deep. */
export const MAX_DEPTH = 64;

/**
 * The path of the first value nested deeper than `max` lists and objects, or null. Walks with its
 * own stack, so a list nested 100,000 deep (or an object that contains itself) is found without
 * recursion; the schema, which recurses, only ever sees input that passed this check.
 */
export function tooDeep(input: unknown, max = MAX_DEPTH): (string | number)[] | null {
  // Each entry: the value, its depth, and the index of its parent entry with its key there.
  const values: unknown[] = [input];
  const depths: number[] = [0];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [""];
  const todo: number[] = [0];
  while (todo.length > 0) {
    const at = todo.pop() as number;
    const value = values[at];
    if (value === null || typeof value !== "object") continue;
    const depth = (depths[at] as number) + 1;
    if (depth > max) {
      const path: (string | number)[] = [];
      for (let i = at; i > 0; i = parents[i] as number) path.push(keys[i] as string | number);
      return path.reverse();
    }
    const visit = (key: string | number, child: unknown): void => {
      if (child === null || typeof child !== "object") return;
      values.push(child);
      depths.push(depth);
      parents.push(at);
      keys.push(key);
      todo.push(values.length - 1);
    };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(i, value[i]);
    } else for (const key in value) if (Object.hasOwn(value, key)) visit(key, (value as Record<string, unknown>)[key]);
  }
  return null;
}
