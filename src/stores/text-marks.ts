// Latest times keyed by text, for the few keys one user has (kinds of session, devices), as a
// flat array `[key, time, key, time, ...]` of exactly its length: per user, a Map or a
// prototype-free record for one or two keys costs two to three times the heap (a record with
// one key about 200 bytes, this about 85). Keys are compared as text, so any text is a key.

/** `[key, time, key, time, ...]`, in order of first sighting. */
export type TextMarks = (string | number)[];

/** The time of `key`, or `undefined` when it has none. */
export function findMark(marks: TextMarks | undefined, key: string): number | undefined {
  if (marks === undefined) return undefined;
  for (let index = 0; index < marks.length; index += 2) if (marks[index] === key) return marks[index + 1] as number;
  return undefined;
}

/** Raises the time of `key` to `at` (never lowers it); a new key adds exactly two slots. */
export function raiseMark(marks: TextMarks | undefined, key: string, at: number): TextMarks {
  if (marks === undefined) return [key, at];
  for (let index = 0; index < marks.length; index += 2) {
    if (marks[index] !== key) continue;
    if (at > (marks[index + 1] as number)) marks[index + 1] = at;
    return marks;
  }
  return marks.concat(key, at);
}

/** The `[key, time]` pairs, in order. */
export function* markPairs(marks: readonly (string | number)[]): Generator<[string, number]> {
  for (let index = 0; index < marks.length; index += 2) yield [marks[index] as string, marks[index + 1] as number];
}
