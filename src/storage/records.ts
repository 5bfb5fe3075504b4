// A store's records are keyed by arbitrary text (`__proto__`, `constructor`): read own keys only.

/** A record's own entry, or `undefined` for an absent key (never an inherited `constructor`). */
export function ownEntry<Value>(record: Readonly<Record<string, Value>>, key: string | undefined): Value | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A store's record as a `Map` (own keys only). */
export function mapOf<Value>(record: Readonly<Record<string, Value>>): Map<string, Value> {
  return new Map(Object.entries(record));
}
