/** Tokens whose signature was verified, by exact text, until their expiry; bounded, oldest out first. Revocation is still the caller's, each call. */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, { readonly value: T; readonly until: number }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(token: string, now: number): T | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (now >= entry.until) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: T, until: number): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with capacity 0 the bound below evicts the entry at once
    if (this.#capacity <= 0) return;
    this.#entries.set(token, { value, until });
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
