import { describeDevice, sessionLabel } from '../device.js';
import { SessionError } from '../errors.js';
import { toSession, toView, type Session, type SessionView } from '../session.js';
import type { SessionRecord } from '../store.js';
import type { CreateResult, FederatedLink, SessionLimit } from '../storage/types.js';
import { mintToken, parseToken } from '../token.js';
import { isPresentable } from './rotation.js';
import type { CreatedSession, CreateSessionInput, ListOptions, ReauthenticateOptions, RevokeAllResult, RevokeAllSessionsOptions, RevokeOthersResult, RevokeOthersSessionsOptions, RevokeSessionOptions } from '../core/shapes.js';
import { deviceHash, entryFor, isNewDevice } from '../activity/activity.js';
import { actorOf, supportTenant, userInvalidated } from './audit.js';
import { applyIpPolicy } from '../ip-policy.js';
import type { ManagerContext } from '../core/context.js';
import type { CreateHow, Lifecycle } from '../core/lifecycle.js';
import { createValidate } from './validate.js';
import { idleTimeoutOf, judgeAll, judgeLookup, readSession, storedSessionOf } from '../core/live-session.js';
import { checkActor, checkId, kindsOf } from '../core/checks.js';
import { checkCreateInput, cleanIp, presentedTokens } from './input.js';
import { checkFederated } from '../federated/input.js';
import type { OthersScope } from '../rules/revoke-others.js';

/** Builds the lifecycle over the manager's shared context. */
export function createLifecycle(context: ManagerContext): Lifecycle {
  const { store, config, calls, hub, ensureOpen } = context;
  const { clock } = config;
  // The kind's cap, decided with the insert in one batch.
  const limitOf = (kind: string, now: number, leaving: readonly SessionRecord[]): SessionLimit | undefined => {
    const max = config.maxSessions.get(kind);
    if (max === undefined) return undefined;
    const idleTimeout = idleTimeoutOf(config, kind);
    return { max, onLimit: config.onMaxSessions, idleBefore: idleTimeout > 0 ? now - idleTimeout : 0, leaving: leaving.map((record) => record.id) };
  };

  // A refused sign-in lists the sessions the cap counts (its kind and tenant), so the app can ask which to end.
  const limitReached = async (error: SessionError, input: { readonly userId: string; readonly tenantId?: string | undefined }, kind: string): Promise<SessionError> => {
    const sessions = (await list(input.userId, { kinds: [kind] })).filter((view) => view.tenantId === input.tenantId);
    const where = input.tenantId === undefined ? '' : ' in this tenant';
    return new SessionError('SESSION_LIMIT', `This user already has ${sessions.length} live ${kind} sessions${where}, the maxSessions limit: end one first.`, { cause: error, sessions });
  };

  // Only a genuine token counts (a guessed id revokes nothing); `live` as revoke() judges it: an ended row is no one's to end again.
  const genuineSessions = async (tokens: readonly unknown[]): Promise<{ found: SessionRecord[]; live: Set<string> }> => {
    const found: SessionRecord[] = [];
    const live = new Set<string>();
    for (const token of tokens) {
      const parsed = parseToken(token);
      if (parsed === undefined || found.some((record) => record.id === parsed.id)) continue;
      const lookup = await readSession(context, parsed.id);
      if (lookup === null || !isPresentable(context, parsed.secret, lookup.session, clock())) continue;
      found.push(lookup.session);
      if ((await judgeLookup(context, lookup, clock(), false)) === undefined) live.add(lookup.session.id);
    }
    return { found, live };
  };

  // Support sessions that ended with their admin's session: their rows say nothing of it, so the cap neither counts nor evicts them.
  // Idleness is left to the sign-in's own read: a use landing after this read makes an idle row live again, an ended one stays ended.
  const endedSupportSessions = async (userId: string, now: number): Promise<SessionRecord[]> =>
    (await judgeAll(context, await calls.call('listByUser', () => store.listByUser(userId)), now, false)).flatMap(({ record, refusal }) => (record.impersonatorId !== undefined && refusal !== undefined ? [record] : []));

  const create = async (input: CreateSessionInput, how: CreateHow = {}): Promise<CreatedSession> => {
    const { reason = 'sign_in', authenticatedAt, impersonatorId, replacing: change } = how;
    const by = impersonatorId;
    ensureOpen();
    const data = checkCreateInput(input, config);
    const kind = input.kind ?? 'browser';
    // Support sessions only come from impersonate(): one made by hand would carry no actor.
    if ((kind === 'impersonation') !== (impersonatorId !== undefined)) {
      throw new SessionError('INVALID_INPUT', 'Sessions of kind "impersonation" are made by impersonate(), and only those.');
    }
    const kindOptions = config.kinds.get(kind)!;
    // Refused before anything is stored: a federated sign-in the provider could not end.
    const federated = input.federated === undefined ? undefined : checkFederated(input.federated);
    const { found: presented, live } = await genuineSessions(presentedTokens(input.previousToken));
    const device = describeDevice(input.userAgent, config.deviceParser);
    const minted = mintToken(store.sessionIdPrefix?.(input.userId));
    const now = clock();
    const record = {
      id: minted.id,
      userId: input.userId,
      tenantId: input.tenantId,
      kind,
      secretHash: minted.secretHash,
      createdAt: now,
      authenticatedAt: authenticatedAt ?? now,
      maxAge: how.maxAge ?? kindOptions.maxAge,
      ...device,
      ip: applyIpPolicy(cleanIp(input.ip), config.ipPolicy),
      data,
      // Only "don't remember me" is stored: absent means persistent.
      persistent: input.persistent === false ? false : undefined,
      impersonatorId,
      impersonatorSessionId: how.impersonatorSessionId,
      impersonatorEpochs: how.impersonatorEpochs,
      federated,
    };
    // A credential change's sign-out everywhere comes first, in the same batch as this sign-in.
    const everywhere = config.everywhereKinds;
    const invalidated = change && { id: change.id, reason, raise: { kinds: everywhere, at: now, activity: entryFor(context, { userId: input.userId, tenantId: change.tenantId, type: 'user.session_invalidated', at: now, reason, by: change.by }) } };
    const activity = entryFor(context, { userId: input.userId, tenantId: input.tenantId, type: 'session.created', at: now, reason, sessionId: record.id, deviceLabel: sessionLabel(record), ip: record.ip, by });
    const ended = impersonatorId !== undefined && config.maxSessions.has(kind) ? await endedSupportSessions(input.userId, now) : [];
    const limit = limitOf(kind, now, [...presented, ...ended]);
    // A support session is not the user's device; without activity no device is remembered, so no alert goes out on every sign-in.
    const hash = impersonatorId === undefined && context.keepsActivity ? deviceHash(input.userId, device, record.ip) : undefined;
    const own = presented.filter((previous) => previous.userId === input.userId && live.has(previous.id));
    let created: CreateResult;
    const sent: { result?: CreateResult } = {};
    try {
      const ending = own.length > 0 ? own.map((previous) => ({ id: previous.id, by: actorOf(by, previous) })) : undefined;
      const onSend = (result: CreateResult): void => void (sent.result = result);
      created = await calls.call('create', (due) => store.create(record, { replaceDevice: kindOptions.replaceDevice, denyUntil: context.denyUntil(now), limit, activity, deviceHash: hash, replacing: invalidated, presented: ending, onSend }, due));
    } catch (error) {
      if (limit !== undefined && error instanceof SessionError && error.code === 'SESSION_LIMIT') throw await limitReached(error, input, kind);
      // No batch sent (none is sent past the deadline): nothing can land.
      const lost = sent.result;
      if (!(error instanceof SessionError) || error.code !== 'STORE_UNAVAILABLE' || lost === undefined) throw error;
      // Its answer lost: stored, the sign-in happened, and answers as if the answer had come; not stored, a batch at the user's version stops it still on its way.
      const landed = await calls.call('create', (due) => store.settleSignIn(input.userId, record.id, lost.revoked, due)).catch((failure: unknown) => void config.onError(failure));
      if (landed !== true) throw error;
      created = lost;
    }
    const { session, replaced, evicted, signedOutIds } = created;
    if (created.revoked) context.afterRevocation(input.userId);
    if (change !== undefined) userInvalidated(hub, { at: now, userId: input.userId, tenantId: change.tenantId, reason, by: change.by }, everywhere);
    if (change !== undefined && !everywhere.includes(kind)) hub.emit({ type: 'session.revoked', at: now, userId: input.userId, tenantId: input.tenantId, sessionIds: [change.id], reason, by: change.by, ip: session.ip, deviceLabel: sessionLabel(session) });
    for (const row of replaced) revokedEvent(row, now, 'replaced', by);
    for (const row of evicted) revokedEvent(row, now, 'session_limit', by);
    const newDevice = isNewDevice(created.previousSighting, now, config.knownDeviceWindow);
    hub.emit({ type: 'session.created', at: now, userId: input.userId, tenantId: input.tenantId, sessionIds: [session.id], reason, kind, deviceLabel: sessionLabel(session), ip: session.ip, by, newDevice });
    // The presented tokens end only with it: a sign-in that fails signs nobody out. Whoever presents a support session's token is its impersonator.
    // The user's own ended in its batch; another user's, in a batch of theirs: one that cannot be ended now is reported, as the new token must reach the device.
    for (const previous of presented) {
      if (signedOutIds.includes(previous.id)) revokedEvent(previous, now, 'sign_out', actorOf(by, previous));
      else await revoke(previous.id, { reason: 'sign_out', by: actorOf(by, previous) }).catch((error: unknown) => config.onError(error));
    }
    return { token: minted.token, session: toSession(session) };
  };

  const validate = createValidate(context);
  const revokedEntry = (row: Pick<SessionRecord, 'id' | 'userId' | 'tenantId' | 'ip'> & Parameters<typeof sessionLabel>[0], at: number, reason: string, by: string | undefined) => entryFor(context, { userId: row.userId, tenantId: row.tenantId, type: 'session.revoked', at, reason, sessionId: row.id, deviceLabel: sessionLabel(row), ip: row.ip, by });
  const revokedEvent = (row: SessionRecord, at: number, reason: string, by: string | undefined) => hub.emit({ type: 'session.revoked', at, userId: row.userId, tenantId: row.tenantId, sessionIds: [row.id], reason, by, ip: row.ip, deviceLabel: sessionLabel(row) });

  const reauthenticated = async (sessionId: string, options: ReauthenticateOptions = {}): Promise<Session | null> => {
    ensureOpen();
    checkActor(options);
    const found = await readSession(context, sessionId);
    if (found === null) return null;
    const record = found.session;
    // A support session is never fresh: the support agent cannot prove to be the user.
    if (record.impersonatorId !== undefined) return null;
    const at = clock();
    if ((await judgeLookup(context, found, at)) !== undefined) return null;
    const label = sessionLabel(record);
    const entry = entryFor(context, { userId: record.userId, tenantId: record.tenantId, type: 'session.reauthenticated', at, reason: 'reauthenticated', sessionId, deviceLabel: label, ip: record.ip, by: options.by });
    if (!(await calls.call('reauthenticate', (due) => store.reauthenticate(record.userId, sessionId, at, entry, due)))) return null;
    hub.emit({ type: 'session.reauthenticated', reason: 'reauthenticated', at, userId: record.userId, tenantId: record.tenantId, sessionIds: [record.id], by: options.by, kind: record.kind, deviceLabel: label, ip: record.ip });
    return toSession({ ...record, authenticatedAt: Math.max(record.authenticatedAt, at) });
  };

  const revoke = async (sessionId: string, options: RevokeSessionOptions = {}, read?: SessionRecord): Promise<boolean> => {
    ensureOpen();
    checkActor(options);
    // Its owner and device are read first, for the activity entry, unless the caller judged the row live before its own sign-out everywhere (`read`).
    let known = read?.id === sessionId ? read : undefined;
    if (known === undefined) {
      const found = await readSession(context, sessionId);
      if (found === null) return false;
      // Already ended (signed out, expired, signed out everywhere): nothing to end, nothing to tell. An idle one still holds access tokens.
      // Here or in the store's batch, perhaps by an instance unheard here: the access-token state this instance caches is dropped all the same.
      if ((await judgeLookup(context, found, clock(), false)) !== undefined) {
        context.accessTokens?.invalidate(found.session.userId);
        return false;
      }
      known = found.session;
    }
    if ((options.userId !== undefined && known.userId !== options.userId) || (options.tenantId !== undefined && known.tenantId !== options.tenantId)) return false;
    const at = clock();
    const reason = options.reason ?? 'revoked';
    const activity = revokedEntry(known, at, reason, options.by);
    const ended = { at, reason, denyUntil: context.denyUntil(at), activity, userId: known.userId, afterOwnEpoch: known === read };
    const before = await calls.call('revoke', (due) => store.revoke(sessionId, ended, due));
    context.accessTokens?.invalidate(known.userId);
    if (before === null) return false;
    context.afterRevocation(before.userId);
    revokedEvent(before, at, reason, options.by);
    return true;
  };

  const revokeAll = async (userId: string, options: RevokeAllSessionsOptions = {}, inTenant?: 'only' | 'or-no-tenant'): Promise<RevokeAllResult> => {
    ensureOpen();
    checkId('userId', userId);
    checkActor(options);
    const kinds = kindsOf(options.kinds, config);
    const at = clock();
    const reason = options.reason ?? (options.by !== undefined ? 'admin' : 'sign_out_everywhere');
    if (inTenant !== undefined && options.tenantId !== undefined) return { epochs: {}, revokedIds: await endOthers(userId, { kinds, everyKind: options.kinds === 'all', tenantId: options.tenantId, orNoTenant: inTenant === 'or-no-tenant' }, at, reason, options.by) };
    const activity = entryFor(context, { userId, tenantId: options.tenantId, type: 'user.session_invalidated', at, reason, by: options.by });
    const epochs = await calls.call('revokeAll', (due) => store.revokeAll(userId, { kinds, everyStoredKind: options.kinds === 'all', at, activity }, due));
    context.afterRevocation(userId);
    userInvalidated(hub, { at, userId, tenantId: options.tenantId, reason, by: options.by }, kinds);
    return { epochs };
  };

  // "Sign out my other devices", or a tenant admin's sign-out of the user: the live sessions in scope, in one batch with its read; no epoch moves (other tenants keep theirs).
  const endOthers = async (userId: string, scope: OthersScope, at: number, reason: string, by: string | undefined): Promise<string[]> => {
    const activity = entryFor(context, { userId, tenantId: scope.tenantId, type: 'user.session_invalidated', at, reason, sessionId: scope.tenantId === undefined ? scope.keepSessionId : undefined, by });
    const revokedIds = (await calls.call('revokeOthers', (due) => store.revokeOthers(userId, { ...scope, at, reason, denyUntil: context.denyUntil(at), activity }, due))).map((row) => row.id);
    context.afterRevocation(userId);
    userInvalidated(hub, { at, userId, tenantId: scope.tenantId, reason, by }, scope.kinds, revokedIds);
    return revokedIds;
  };

  const revokeOthers = async (userId: string, keepSessionId: string, options: RevokeOthersSessionsOptions = {}): Promise<RevokeOthersResult> => {
    ensureOpen();
    checkId('userId', userId);
    checkId('keepSessionId', keepSessionId);
    checkActor(options);
    const kinds = kindsOf(options.kinds, config);
    // The session kept is the one that acts: a support session's "sign out others" is its impersonator's, in its one tenant unless the caller names one.
    const kept = (await storedSessionOf(context, userId, keepSessionId))?.session;
    const scope = { keepSessionId, kinds, everyKind: options.kinds === 'all', tenantId: options.tenantId ?? supportTenant(kept) };
    return { revokedIds: await endOthers(userId, scope, clock(), options.reason ?? 'sign_out_others', actorOf(options.by, kept)) };
  };

  const revokeInScope = async (userId: string, scope: OthersScope, { reason, by, forgetDevice }: { reason: string; by?: string | undefined; forgetDevice?: string | undefined }): Promise<string[]> => {
    ensureOpen();
    const at = clock();
    const ended = await calls.call('revoke', (due) => store.revokeOthers(userId, { ...scope, at, reason, denyUntil: context.denyUntil(at), activityOf: (row) => revokedEntry(row, at, reason, by), forgetDevice }, due));
    if (ended.length > 0) context.afterRevocation(userId);
    for (const row of ended) revokedEvent(row, at, reason, by);
    return ended.map((row) => row.id);
  };

  const revokeLinked = async (links: readonly FederatedLink[], { reason, by, tenantId }: { reason: string; by?: string | undefined; tenantId?: string | undefined }): Promise<string[]> => {
    const revokedIds: string[] = [];
    for (const userId of new Set(links.map((link) => link.userId))) revokedIds.push(...(await revokeInScope(userId, { kinds: [], everyKind: true, tenantId, orNoTenant: true, identities: links.filter((link) => link.userId === userId) }, { reason, by })));
    return revokedIds;
  };

  const list = async (userId: string, options: ListOptions = {}): Promise<SessionView[]> => {
    ensureOpen();
    checkId('userId', userId);
    const now = options.now ?? clock();
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new SessionError('INVALID_INPUT', 'now must be a finite time in ms since 1970.');
    // Checked as revokeAll checks them: a kind misspelt (or one string for a list) lists nothing.
    const kinds = options.kinds === undefined ? undefined : new Set(kindsOf(options.kinds, config));
    const answer = await calls.call('listByUser', () => store.listByUser(userId));
    const wanted = { ...answer, sessions: kinds === undefined ? answer.sessions : answer.sessions.filter((record) => kinds.has(record.kind)) };
    const views = (await judgeAll(context, wanted, now)).flatMap(({ record, refusal }) => (refusal === undefined ? [toView(record, options.currentSessionId, now, options.locale)] : []));
    return views.sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt || b.createdAt - a.createdAt);
  };

  return { create, reauthenticated, validate, revoke, revokeAll, revokeOthers, revokeInScope, revokeLinked, list };
}
