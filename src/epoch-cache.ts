import type { RevocationState } from './storage/types.js';
import { getOrAdd } from './get-or-add.js';

interface Entry {
  readonly state: Promise<RevocationState>;
  readonly fetchedAt: number;
}

/** How an {@link EpochCache} is built. */
export interface EpochCacheOptions {
  /** How long an entry is trusted, in ms; 0 or less: never cached. */
  readonly ttl: number;
  /** The most entries kept; the least recently used leave first. */
  readonly capacity: number;
  /** Reads one key's state from the store. */
  readonly load: (key: string) => Promise<RevocationState>;
  readonly clock: () => number;
  /** The groups a key belongs to, for {@link EpochCache.invalidateGroup}; always the same for a key. */
  readonly groupsOf?: (key: string) => readonly string[];
}

/** Per-process, bounded cache of revocation state for access tokens: trusted `ttl` ms, dropped at once on a revocation notice. */
export class EpochCache {
  readonly #entries = new Map<string, Entry>();
  // Kept in step with #entries: never a key the cache has let go.
  readonly #groups = new Map<string, Set<string>>();

  constructor(private readonly options: EpochCacheOptions) {}

  get(key: string): Promise<RevocationState> {
    const { ttl, load, clock, capacity } = this.options;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without it an entry would be kept but never served (its age is never below a TTL of 0 or less): only memory, never an answer
    if (ttl <= 0) return load(key);
    const now = clock();
    const entry = this.#entries.get(key);
    if (entry !== undefined && now - entry.fetchedAt < ttl && now >= entry.fetchedAt) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return entry.state;
    }
    const state = load(key);
    const fresh: Entry = { state, fetchedAt: now };
    if (entry !== undefined) this.#entries.delete(key);
    else this.#join(key);
    this.#entries.set(key, fresh);
    // A failed load must not be served from the cache.
    state.catch(() => {
      if (this.#entries.get(key) === fresh) this.#remove(key);
    });
    while (this.#entries.size > capacity) this.#remove(this.#entries.keys().next().value!);
    return state;
  }

  invalidate(key: string): void {
    if (this.#entries.has(key)) this.#remove(key);
  }

  /** Drops every key of `group` (see `groupsOf`). */
  invalidateGroup(group: string): void {
    const keys = this.#groups.get(group);
    if (keys === undefined) return;
    for (const key of [...keys]) this.#remove(key);
  }

  /** How many groups hold a key. */
  get groupCount(): number {
    return this.#groups.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#groups.clear();
  }

  #join(key: string): void {
    for (const group of this.options.groupsOf?.(key) ?? []) getOrAdd(this.#groups, group, () => new Set<string>()).add(key);
  }

  #remove(key: string): void {
    this.#entries.delete(key);
    for (const group of this.options.groupsOf?.(key) ?? []) {
      // In step with #entries: a key held there is in every one of its groups.
      const keys = this.#groups.get(group)!;
      keys.delete(key);
      if (keys.size === 0) this.#groups.delete(group);
    }
  }
}
