import { ownRefusal } from '../liveness.js';
import type { SessionRecord, UserState } from '../store.js';

// A store's records are keyed by arbitrary text (`__proto__`, `constructor`): read own keys only.

/** A record's own entry, or `undefined` for an absent key (never an inherited `constructor`). */
export function ownEntry<Value>(record: Readonly<Record<string, Value>>, key: string | undefined): Value | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Rows in sign-in order, ties by id: a store answers them in any order, and every list and result comes in this one. */
export const inSignInOrder = <Row extends { readonly createdAt: number; readonly id: string }>(rows: Iterable<Row>): Row[] => [...rows].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** A store's record as a `Map` (own keys only). */
export const mapOf = <Value>(record: Readonly<Record<string, Value>>): Map<string, Value> => new Map(Object.entries(record));

/** Whether one of a user's rows is live as a batch read them: its own facts and the epochs read with it, at `now`. */
export const isLiveAsRead = (state: UserState, row: SessionRecord, now: number): boolean =>
  ownRefusal(row, { epochs: state.epochs, tenantEpochs: ownEntry(state.tenantEpochs, row.tenantId) }, now, 'readUser') === undefined;

/** Session `id` of a user's rows as a batch read them, when live there ({@link isLiveAsRead}): a batch acts on no other. */
export function liveAsRead(state: UserState, id: string, now: number): SessionRecord | undefined {
  const row = state.sessions.find((session) => session.id === id);
  return row !== undefined && isLiveAsRead(state, row, now) ? row : undefined;
}
