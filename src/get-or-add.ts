/** What `map` holds for `key`; when nothing, `make()`'s value, held from then on. */
export function getOrAdd<Key, Value>(map: { get(key: Key): Value | undefined; set(key: Key, value: Value): unknown }, key: Key, make: () => Value): Value {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
