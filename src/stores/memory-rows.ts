import type { Epochs, SessionRecord } from '../store.js';
import type { Device } from './device-table.js';
import type { IdSet } from './id-set.js';
import type { TextMarks } from './text-marks.js';

// What the memory store keeps per session and per user, shaped for heap size.

// A row keeps the hash as a 32-character latin1 string: far smaller on the heap than a
// Buffer per session, and it is not the secret, only its SHA-256. Every field costs heap in
// every session, so the device fields share one object per browser, and what most sessions
// do not have (revocation, data, re-authentication...) lives in one optional `rare` object.
//
// Times: V8 boxes every field that holds a number beyond a small integer (16 bytes per field
// and row), so only `createdAt` is a full timestamp. The expiry is kept as whole seconds after
// it and the last use as ms after it, both small integers that sit in the row itself; a value
// that does not fit (a lifetime that is not whole seconds, a session used more than 49 days
// after its creation) goes to `rare`. The accessors answer the same numbers either way.

/**
 * Largest small integer Node's V8 keeps in a field without a box (32-bit signed). Where V8
 * compresses pointers the limit is 31 bits, and larger offsets are boxed like any timestamp.
 */
const SMALL = 0x7fff_ffff;

/**
 * An offset is kept minus {@link SMALL}, so the whole signed range serves offsets from 0 to
 * twice SMALL (in ms, 49.7 days: a 30-day session's last use fits); the one value left below
 * the range marks an offset kept in `rare`.
 */
const IN_RARE = -SMALL - 1;

/** `to - from`, less SMALL, when it is a whole number of `unit` ms that fits and decodes exactly; else {@link IN_RARE}. */
function smallOffset(from: number, to: number, unit: number): number {
  const offset = (to - from) / unit;
  return Number.isInteger(offset) && offset >= 0 && offset <= 2 * SMALL && from + offset * unit === to ? offset - SMALL : IN_RARE;
}

/** The fields a row is created with: its own and those it keeps in other forms. */
export type RowFields = Pick<Row, 'id' | 'userId' | 'tenantId' | 'kind' | 'hash' | 'createdAt' | 'expiresAt' | 'device' | 'ip' | 'rare'> & {
  readonly data: SessionRecord['data'];
};

/** One session in the memory store (see above for its layout). */
export class Row {
  readonly id: string;
  readonly userId: string;
  readonly tenantId: string | undefined;
  readonly kind: string;
  readonly hash: string;
  readonly createdAt: number;
  /** Seconds from `createdAt` to the expiry less SMALL, or IN_RARE: in `rare.expiresAt`. */
  readonly #expiresIn: number;
  /** Ms from `createdAt` to the last use less SMALL, or IN_RARE: in `rare.lastUsedAt`. */
  #lastUsedIn: number;
  readonly device: Device;
  readonly ip: string | undefined;
  rare: Rare | undefined;

  constructor(fields: RowFields) {
    this.id = fields.id;
    this.userId = fields.userId;
    this.tenantId = fields.tenantId;
    this.kind = fields.kind;
    this.hash = fields.hash;
    this.createdAt = fields.createdAt;
    this.#expiresIn = smallOffset(fields.createdAt, fields.expiresAt, 1_000);
    this.#lastUsedIn = -SMALL;
    this.device = fields.device;
    this.ip = fields.ip;
    let rare = fields.rare;
    if (this.#expiresIn === IN_RARE) rare = { ...rare, expiresAt: fields.expiresAt };
    if (fields.data !== undefined) rare = { ...rare, data: fields.data };
    this.rare = rare;
  }

  get expiresAt(): number {
    return this.#expiresIn === IN_RARE ? this.rare!.expiresAt! : this.createdAt + (this.#expiresIn + SMALL) * 1_000;
  }

  get lastUsedAt(): number {
    return this.#lastUsedIn === IN_RARE ? this.rare!.lastUsedAt! : this.createdAt + (this.#lastUsedIn + SMALL);
  }

  set lastUsedAt(at: number) {
    this.#lastUsedIn = smallOffset(this.createdAt, at, 1);
    if (this.#lastUsedIn === IN_RARE) this.rare = { ...this.rare, lastUsedAt: at };
  }

  get revoked(): Revocation | undefined {
    return this.rare?.revoked;
  }

  set revoked(revocation: Revocation | undefined) {
    this.rare = { ...this.rare, revoked: revocation };
  }
}

/** What few sessions have; absent fields are the defaults. */
export interface Rare {
  /** Re-authenticated, or signed in at another time than `createdAt`. */
  readonly authenticatedAt?: number | undefined;
  /** A session-only cookie. */
  readonly persistent?: false | undefined;
  /** A support session. */
  readonly impersonatorId?: string | undefined;
  /** The app's data. */
  readonly data?: SessionRecord['data'];
  /** Set once the session is revoked. */
  readonly revoked?: Revocation | undefined;
  /** The expiry, when it is not a whole number of seconds after `createdAt`. */
  readonly expiresAt?: number | undefined;
  /** The last use, when it is more than 49 days after `createdAt` or not a whole ms after it. */
  readonly lastUsedAt?: number | undefined;
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
  /** The latest `createdAt` per kind (see text-marks.ts). */
  highWater: TextMarks | undefined;
  denied: Map<string, number> | undefined;
}

/** A record keyed by caller-chosen text: no prototype, so every key is an own property. */
export function keyedByText(entries: Iterable<readonly [string, number]> = []): Record<string, number> {
  const record = Object.create(null) as Record<string, number>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

export const NO_EPOCHS: Epochs = Object.freeze(keyedByText());
