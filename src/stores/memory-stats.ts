import type { KindStats, SessionRecord } from '../store.js';

/** Row counts by kind; a row past `expiresAt` counts as expired whether or not it was revoked. */
export function countByKind(rows: Iterable<Pick<SessionRecord, 'kind' | 'expiresAt' | 'revokedAt'>>, now: number): Record<string, KindStats> {
  const counts = Object.create(null) as Record<string, { live: number; revoked: number; expired: number }>;
  for (const row of rows) {
    const count = (counts[row.kind] ??= { live: 0, revoked: 0, expired: 0 });
    if (row.expiresAt <= now) count.expired++;
    else if (row.revokedAt !== undefined) count.revoked++;
    else count.live++;
  }
  return counts;
}
