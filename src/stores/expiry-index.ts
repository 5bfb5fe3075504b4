/** What the visitor of {@link ExpiryIndex.takeExpired} did with one id. */
export type ExpiryVisit = 'deleted' | 'gone' | 'keep';

/**
 * Ids grouped in fixed-width buckets of expiry time, so pruning visits only buckets that have
 * ended (plus the current one) instead of every session. Buckets are kept in a sorted array of
 * keys; new keys almost always append because expiry grows with creation time.
 */
export class ExpiryIndex {
  readonly #width: number;
  readonly #buckets = new Map<number, string[]>();
  readonly #keys: number[] = [];

  constructor(width: number) {
    this.#width = width;
  }

  add(expiresAt: number, id: string): void {
    const key = Math.floor(expiresAt / this.#width);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.#buckets.set(key, bucket);
      this.#insertKey(key);
    }
    bucket.push(id);
  }

  /**
   * Visits ids of buckets that start at or before `now`, oldest first, until `limit` ids were
   * deleted. Ids the visitor keeps (not yet expired) stay in their bucket.
   */
  takeExpired(now: number, limit: number, visit: (id: string) => ExpiryVisit): void {
    let deleted = 0;
    const lastKey = Math.floor(now / this.#width);
    while (this.#keys.length > 0 && this.#keys[0]! <= lastKey && deleted < limit) {
      const key = this.#keys[0]!;
      const bucket = this.#buckets.get(key)!;
      const kept: string[] = [];
      let index = 0;
      for (; index < bucket.length && deleted < limit; index++) {
        const outcome = visit(bucket[index]!);
        if (outcome === 'deleted') deleted++;
        else if (outcome === 'keep') kept.push(bucket[index]!);
      }
      const rest = kept.concat(bucket.slice(index));
      if (rest.length > 0) {
        this.#buckets.set(key, rest);
        // The bucket that holds `now` keeps ids expiring later in it; stop there.
        if (index === bucket.length) break;
      } else {
        this.#buckets.delete(key);
        this.#keys.shift();
      }
    }
  }

  #insertKey(key: number): void {
    const keys = this.#keys;
    if (keys.length === 0 || keys[keys.length - 1]! < key) {
      keys.push(key);
      return;
    }
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < key) low = middle + 1;
      else high = middle;
    }
    keys.splice(low, 0, key);
  }
}
