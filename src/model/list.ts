/**
 * Removes the item at index `i` of `list`, moving the later ones down: what `list.splice(i, 1)`
 * leaves, without the array of removed items splice allocates (the scheduler and the GIL remove
 * from short lists on almost every event).
 */
export function removeAt<T>(list: T[], i: number): void {
  const n = list.length - 1;
  for (let k = i; k < n; k++) list[k] = list[k + 1] as T;
  list.pop();
}

/** Removes the first occurrence of `item` from `list`; false when it is not there. */
export function removeItem<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  removeAt(list, i);
  return true;
}
