/**
 * The session ids of one user, in the smallest shape that fits: nothing, one id, an array of
 * exactly the right length (copied on write) up to 16 ids, then a Set, so a user with 10,000
 * sessions still adds and removes in O(1). Most users hold a handful of sessions, and a Set
 * per user would cost more heap than the rest of their state.
 */
export type IdSet = undefined | string | readonly string[] | Set<string>;

const LARGE = 16;

/** `ids` with `id` added. */
export function addId(ids: IdSet, id: string): IdSet {
  if (ids === undefined) return id;
  if (typeof ids === 'string') return ids === id ? ids : [ids, id];
  if (ids instanceof Set) return ids.add(id);
  if (ids.includes(id)) return ids;
  // concat() allocates exactly one more slot; a spread reserves room for many more.
  return ids.length >= LARGE ? new Set([...ids, id]) : ids.concat(id);
}

/** `ids` without `id`. */
export function removeId(ids: IdSet, id: string): IdSet {
  if (ids === undefined || ids === id) return undefined;
  if (typeof ids === 'string') return ids;
  if (ids instanceof Set) {
    ids.delete(id);
    return ids;
  }
  const rest = ids.filter((other) => other !== id);
  return rest.length === 1 ? rest[0] : rest;
}

/** The ids, safe to iterate while removing (small shapes are immutable, a Set allows it). */
export function eachId(ids: IdSet): Iterable<string> {
  if (ids === undefined) return [];
  return typeof ids === 'string' ? [ids] : ids;
}

/** Whether no id is left. */
export function isEmpty(ids: IdSet): boolean {
  return ids === undefined || (ids instanceof Set && ids.size === 0) || (Array.isArray(ids) && ids.length === 0);
}
