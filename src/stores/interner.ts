/**
 * Shares one copy of strings that repeat across many sessions (User-Agent, browser, OS,
 * tenant), which keeps the memory store near its heap budget per session. Bounded, so
 * attacker-chosen strings cannot grow it without limit.
 */
export class Interner {
  readonly #table = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  intern<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const known = this.#table.get(value);
    if (known !== undefined) return known as T;
    if (this.#table.size < this.#capacity) this.#table.set(value, value);
    return value;
  }
}
