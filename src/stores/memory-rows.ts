import type { Epochs, SessionRecord } from '../store.js';
import type { Device } from './device-table.js';
import type { IdSet } from './id-set.js';

// What the memory store keeps per session and per user, shaped for heap size.

// A row keeps the hash as a 32-character latin1 string: far smaller on the heap than a
// Buffer per session, and it is not the secret, only its SHA-256. Every field costs heap in
// every session, so the device fields share one object per browser and the revocation
// fields exist only once a session is revoked.
export interface Row {
  readonly id: string;
  readonly userId: string;
  readonly tenantId: string | undefined;
  readonly kind: string;
  readonly hash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  lastUsedAt: number;
  readonly device: Device;
  readonly ip: string | undefined;
  readonly data: SessionRecord['data'];
  revoked: Revocation | undefined;
  // Set only for the few sessions that differ from the defaults: re-authenticated (or signed in
  // at another time than their createdAt), session-only cookies, support sessions. One slot.
  rare: Rare | undefined;
}

export interface Rare {
  readonly authenticatedAt: number | undefined;
  readonly persistent: false | undefined;
  readonly impersonatorId?: string | undefined;
}

/** A tenant's epochs and high-water marks per kind (prototype-free records). */
export interface TenantState {
  epochs: Record<string, number> | undefined;
  readonly highWater: Record<string, number>;
}

export interface Revocation {
  readonly at: number;
  readonly reason: string;
}

// Kinds are the application's text, and a caller's `revokeAll({ kinds })`: the per-kind records
// have no prototype, so "__proto__", "constructor" or "toString" are kinds like any other,
// never an inherited property (a plain `{}` would read `Object` as the epoch of "constructor"
// and drop an assignment to "__proto__").
export interface UserState {
  ids: IdSet;
  epochs: Record<string, number> | undefined;
  highWater: Record<string, number> | undefined;
  denied: Map<string, number> | undefined;
}

/** A record keyed by caller-chosen text: no prototype, so every key is an own property. */
export function keyedByText(entries: Iterable<readonly [string, number]> = []): Record<string, number> {
  const record = Object.create(null) as Record<string, number>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

export const NO_EPOCHS: Epochs = Object.freeze(keyedByText());
