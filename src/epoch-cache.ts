import type { RevocationState } from './store.js';

interface Entry {
  readonly state: Promise<RevocationState>;
  readonly fetchedAt: number;
}

/**
 * Per-process cache of users' revocation state for stateless access tokens: bounded (least
 * recently used entries leave first), each entry trusted for `ttl` ms — the documented
 * propagation window — and dropped at once by {@link EpochCache.invalidate} when the store
 * publishes a revocation or this process revokes.
 */
export class EpochCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttl: number;
  readonly #capacity: number;
  readonly #load: (userId: string) => Promise<RevocationState>;
  readonly #clock: () => number;

  constructor(options: { ttl: number; capacity: number; load: (userId: string) => Promise<RevocationState>; clock: () => number }) {
    this.#ttl = options.ttl;
    this.#capacity = options.capacity;
    this.#load = options.load;
    this.#clock = options.clock;
  }

  get(userId: string): Promise<RevocationState> {
    if (this.#ttl <= 0) return this.#load(userId);
    const now = this.#clock();
    const entry = this.#entries.get(userId);
    if (entry !== undefined && now - entry.fetchedAt < this.#ttl && now >= entry.fetchedAt) {
      // Re-insert to mark it most recently used.
      this.#entries.delete(userId);
      this.#entries.set(userId, entry);
      return entry.state;
    }
    const state = this.#load(userId);
    const fresh: Entry = { state, fetchedAt: now };
    this.#entries.delete(userId);
    this.#entries.set(userId, fresh);
    // A failed load must not be served from the cache.
    state.catch(() => {
      if (this.#entries.get(userId) === fresh) this.#entries.delete(userId);
    });
    while (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return state;
  }

  invalidate(userId: string): void {
    this.#entries.delete(userId);
  }

  clear(): void {
    this.#entries.clear();
  }
}
