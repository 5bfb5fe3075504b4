import { sessionLabel } from '../device-label.js';
import { derivedActivityId } from '../activity-id.js';
import { readUser } from './read-user.js';
import { SessionError } from '../errors.js';
import { epochFor } from '../liveness.js';
import { raisedEpochs } from '../rules/epochs.js';
import { decideSignIn, replacesDevice } from '../rules/sign-in.js';
import type { ActivityRecord, SessionRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import type { UserState, Write } from '../store-writes.js';
import { indexFederated } from './federated.js';
import { liveAsRead, mapOf, ownEntry } from './records.js';
import { activity, ending } from './revoke.js';
import type { CreateOptions, CreateResult, NewSessionRecord } from './types.js';
import { versioned, type ApplyBatch } from './versioned.js';

/**
 * A sign-in: reads the user (and the new session's tenant), decides with {@link decideSignIn}, and writes the row, the
 * sessions it ends, the high-water marks, the activity and the known device in one batch. A sign-in through a provider
 * first lists the user under the provider identity's keys (`indexFederated`).
 */
export function create(store: SessionStore, record: NewSessionRecord, options: CreateOptions, due?: number): Promise<CreateResult> {
  // A sign-in that ends no other session reads no other row: its cost does not grow with the user's sessions.
  const alone = options.limit === undefined && !replacesDevice(record, options) && options.replacing === undefined && options.presented === undefined;
  let epochAtStart: number | undefined;
  let sent: CreateResult | undefined;
  return versioned(store, { userId: record.userId }, 'create', due, async (apply) => {
    const state = await readUser(store, record.userId, record.tenantId, alone ? record.id : undefined);
    if (state.sessions.some((row) => row.id === record.id)) {
      // Stored by the batch it sent, though answered as lost (a client that sent it again after a reconnect): it landed.
      if (sent === undefined) throw new SessionError('INVALID_INPUT', 'A session with this id already exists.');
      return landed(apply, record.userId, state.version, sent.revoked, sent);
    }
    // Born after only the sign-outs its first read found: one that lands while it is under way, whatever its clock read, ends it, as it would had this landed first.
    const epoch = epochFor(record, { epochs: state.epochs, tenantEpochs: ownEntry(state.tenantEpochs, record.tenantId) }, 'readUser');
    epochAtStart ??= epoch;
    if (epoch > epochAtStart) throw new SessionError('UNAUTHENTICATED', "The user's sessions were ended while this sign-in was under way: check the credentials again.");
    const { replacing } = options;
    const change = replacing && { ...replacing, old: replacedRow(replacing.id, state, replacing.raise.at), epochs: raisedEpochs({ epochs: mapOf(state.epochs), highWater: mapOf(state.highWater) }, replacing.raise.kinds, replacing.raise.at) };
    const decision = decideSignIn(record, { sessions: state.sessions.filter((row) => row !== change?.old), epochs: { ...state.epochs, ...change?.epochs }, tenantEpochs: ownEntry(state.tenantEpochs, record.tenantId) }, options);
    const { maxAge, ...fields } = record;
    // Lifetime and idle time run from this clock's now, even when an epoch raised by a clock ahead puts createdAt later.
    const session: SessionRecord = { ...fields, createdAt: decision.createdAt, expiresAt: record.createdAt + maxAge, lastUsedAt: record.createdAt };
    // The sessions presented end in this batch too (those of this device as replaced): a later batch a fault could lose would leave them working.
    const signedOut = (options.presented ?? []).flatMap(({ id, by }) => {
      const row = liveAsRead(state, id, record.createdAt);
      return row === undefined || decision.replaced.includes(row) ? [] : [{ row, reason: 'sign_out', by }];
    });
    const ended: Ended[] = [...decision.replaced.map((row) => ({ row, reason: 'replaced' })), ...decision.evicted.map((row) => ({ row, reason: 'session_limit' })), ...signedOut];
    // The old row of a kind the raise does not end (an API token) ends on its own, told as the others are, by the change's actor.
    if (change !== undefined && !change.raise.kinds.includes(change.old.kind)) ended.push({ row: change.old, reason: change.reason, by: change.raise.activity?.by });
    const writes: Write[] = change === undefined ? [] : [{ type: 'epochs', epochs: change.epochs }, ...activity(change.raise)];
    writes.push({ type: 'insert', session });
    for (const { row, reason } of ended) writes.push(...ending(row, { at: decision.createdAt, reason, denyUntil: options.denyUntil }));
    // The marks "sign out everywhere" raises its epoch above, the user's and the tenant's.
    writes.push({ type: 'highWater', kind: session.kind, at: session.createdAt });
    if (session.tenantId !== undefined) writes.push({ type: 'highWater', tenantId: session.tenantId, kind: session.kind, at: session.createdAt });
    if (options.activity !== undefined) {
      for (const entry of [options.activity, ...endedEntries(options.activity, ended)]) writes.push({ type: 'activity', entry });
    }
    const previousSighting = options.deviceHash === undefined ? undefined : (ownEntry(state.devices, options.deviceHash) ?? null);
    if (options.deviceHash !== undefined) writes.push({ type: 'device', deviceHash: options.deviceHash, lastSeenAt: Math.max(previousSighting ?? 0, record.createdAt) });
    await indexFederated(store, session, session.createdAt, due);
    const revoked = ended.length > 0 || change !== undefined;
    const result = { session, replaced: decision.replaced, evicted: decision.evicted, signedOutIds: signedOut.map(({ row }) => row.id), revoked, previousSighting };
    const onSend = (): void => void ((sent = result), options.onSend?.(result));
    return (await apply({ owner: { userId: record.userId }, version: state.version, writes, notify: revoked }, onSend)) ? result : undefined;
  });
}

// A sign-in's batch found landed: answered once a durable batch after it holds when it revoked, as safe as any revocation.
async function landed<T>(apply: ApplyBatch, userId: string, version: number, revoked: boolean, answer: T): Promise<T | undefined> {
  return !revoked || (await apply({ owner: { userId }, version, writes: [], durable: true })) ? answer : undefined;
}

/**
 * After a sign-in's answer was lost: whether its session is stored; if not, a batch at the user's version stops the sign-in's batch still on its
 * way. Not queued behind that sign-in: it races it, and the version decides. A sign-in that `revoked` (ended sessions, raised epochs) is stored
 * only once a `durable` batch after it is answered: it is then as safe as any revocation.
 */
export function settleSignIn(store: SessionStore, userId: string, sessionId: string, revoked: boolean, due?: number): Promise<boolean> {
  const step = async (apply: ApplyBatch): Promise<boolean | undefined> => {
    const state = await readUser(store, userId, undefined, sessionId);
    if (state.sessions.some((row) => row.id === sessionId)) return landed(apply, userId, state.version, revoked, true);
    return (await apply({ owner: { userId }, version: state.version, writes: [] })) ? false : undefined;
  };
  return versioned(store, { userId }, 'create', due, step, false);
}

/** The entry of each session a sign-in ended, with its device, its id derived from the sign-in's entry's in the order ended. */
function endedEntries(entry: ActivityRecord, ended: readonly Ended[]): ActivityRecord[] {
  return ended.map(({ row, reason, by }, index) => ({ id: derivedActivityId(entry.id, index), userId: entry.userId, tenantId: row.tenantId, type: 'session.revoked', at: entry.at, reason, sessionId: row.id, deviceLabel: sessionLabel(row), ip: row.ip, by: by ?? entry.by }));
}

type Ended = { readonly row: SessionRecord; readonly reason: string; readonly by?: string | undefined };

// Judged as read in this batch, before its raise: gone, or ended by another (an erasure, its "Log out", a sign-out everywhere), it stays out.
function replacedRow(id: string, state: UserState, now: number): SessionRecord {
  const row = liveAsRead(state, id, now);
  if (row === undefined) throw new SessionError('UNAUTHENTICATED', 'The session a credential change signs in again had ended.');
  return row;
}
