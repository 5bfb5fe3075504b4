/** Counts of one kind's rows ({@link StatsStore.stats}). */
export interface KindStats {
  /** Rows neither revoked on their own nor past `expiresAt` (epochs not applied). */
  readonly live: number;
  /** Tombstones not yet past `expiresAt`. */
  readonly revoked: number;
  /** Rows past `expiresAt`, waiting for `prune`. */
  readonly expired: number;
}

/** Row counts for operators. */
export interface StatsStore {
  /** Row counts by kind at `now`. May scan: never on a request path. */
  stats(now: number): Promise<Readonly<Record<string, KindStats>>>;
}
