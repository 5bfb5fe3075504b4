import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { checkActivity, checkKeyState, checkLookup, checkUserState } from '../../src/store-answers.js';
import { refusalOf } from '../../src/liveness.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

/** A store with the required methods only (no listActivity, subscribe, stats), as a third-party store may be. */
function basicStore(): SessionStore {
  const inner = memoryStore();
  const { get, readUser, readTenant, readKey, apply, touch, prune, close } = inner;
  return { get, readUser, readTenant, readKey, apply, touch, prune, close };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'done', (error: { code?: string; message?: string }) => error.code);

describe('a store without listActivity', () => {
  it('refuses activity and revocation links with a clear configuration error, never flags a new device, and still revokes tenants', async () => {
    const sessions = createSessionManager({ store: basicStore() });
    const events: boolean[] = [];
    sessions.on('session.created', (event) => void events.push(event.newDevice));
    const { session, token } = await sessions.create({ userId: 'ada', userAgent: CHROME, tenantId: 'acme' });
    const other = await sessions.create({ userId: 'bob', tenantId: 'acme' });
    expect(Object.keys((await sessions.revokeTenant('acme')).epochs)).toContain('browser');
    expect((await sessions.validate(other.token)).ok).toBe(false);
    expect(await codeOf(sessions.activity('ada'))).toBe('INVALID_CONFIGURATION');
    expect(await codeOf(sessions.issueRevocationLink(session.id))).toBe('INVALID_CONFIGURATION');
    expect(await codeOf(sessions.redeemRevocationLink(token))).toBe('INVALID_CONFIGURATION');
    expect(events).toEqual([false, false]);
    // Everything else works, support sessions included.
    expect((await sessions.validate(token)).ok).toBe(false);
    const again = await sessions.create({ userId: 'ada', userAgent: CHROME });
    expect(await sessions.revoke(again.session.id)).toBe(true);
    const admin = await sessions.create({ userId: 'root' });
    expect((await sessions.impersonate(admin.session, 'ada')).session.impersonatorId).toBe('root');
    expect((await sessions.exportUser('ada')).activity).toEqual([]);
  });
});

describe('activity()', () => {
  it('checks its options', async () => {
    const sessions = createSessionManager();
    for (const limit of [0, 1_001, 1.5, '5']) expect(await codeOf(sessions.activity('ada', { limit: limit as number }))).toBe('INVALID_INPUT');
    for (const before of ['', 'a b', 'x'.repeat(65), 5]) expect(await codeOf(sessions.activity('ada', { before: before as string }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.activity(''))).toBe('INVALID_INPUT');
    expect(await sessions.activity('ada', { limit: 1_000 })).toEqual([]);
  });

  it('keeps the order of entries written in the same millisecond', async () => {
    const sessions = createSessionManager({ clock: () => 1_700_000_000_000 });
    const ids: string[] = [];
    for (let index = 0; index < 20; index++) ids.push((await sessions.create({ userId: 'ada', kind: 'api' })).session.id);
    expect((await sessions.activity('ada')).map((entry) => entry.sessionId)).toEqual(ids.reverse());
  });

  it('writes a re-authentication entry, with who did it', async () => {
    const sessions = createSessionManager();
    const { session } = await sessions.create({ userId: 'ada', userAgent: CHROME });
    await sessions.reauthenticated(session.id, { by: 'helpdesk' });
    const [entry] = await sessions.activity('ada');
    expect([entry?.type, entry?.reason, entry?.by, entry?.deviceLabel]).toEqual(['session.reauthenticated', 'reauthenticated', 'helpdesk', 'Chrome on Mac OS']);
  });
});

describe('support sessions', () => {
  it('check the admin session and the ttl', async () => {
    const sessions = createSessionManager();
    const admin = await sessions.create({ userId: 'root' });
    expect(await codeOf(sessions.impersonate({ id: admin.session.id, userId: 'someone-else' }, 'ada'))).toBe('UNAUTHENTICATED');
    expect(await codeOf(sessions.impersonate({ id: 'not-an-id', userId: 'root' }, 'ada'))).toBe('UNAUTHENTICATED');
    expect(await codeOf(sessions.impersonate(null as never, 'ada'))).toBe('UNAUTHENTICATED');
    for (const ttl of [999, 86_400_001, 1.5, '60000']) expect(await codeOf(sessions.impersonate(admin.session, 'ada', { ttl: ttl as number }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.impersonate(admin.session, ''))).toBe('INVALID_INPUT');
    const short = await sessions.impersonate(admin.session, 'ada', { ttl: 5 * 60_000, tenantId: 'acme' });
    expect([short.session.expiresAt - short.session.createdAt, short.session.tenantId]).toEqual([5 * 60_000, 'acme']);
  });

  it('get access tokens with the actor claim and no auth_time, which are never fresh', async () => {
    const sessions = createSessionManager({ accessTokens: { secret: SECRET } });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    const verified = await sessions.verifyAccessToken(await sessions.issueAccessToken(support.session));
    expect(verified.ok && [verified.claims.act, verified.claims.auth_time]).toEqual([{ sub: 'root' }, undefined]);
    expect(sessions.isFresh(support.session)).toBe(false);
    const own = await sessions.verifyAccessToken(await sessions.issueAccessToken(admin.session));
    expect(own.ok && [own.claims.act, typeof own.claims.auth_time]).toEqual([undefined, 'number']);
  });
});

describe('revocation links', () => {
  it('check the ttl, answer null for an unknown session, and expire', async () => {
    let now = 1_700_000_000_000;
    const sessions = createSessionManager({ clock: () => now });
    const { session } = await sessions.create({ userId: 'ada' });
    for (const ttl of [59_999, 30 * 86_400_000 + 1, 1.5]) expect(await codeOf(sessions.issueRevocationLink(session.id, { ttl }))).toBe('INVALID_INPUT');
    expect(await sessions.issueRevocationLink('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(await sessions.issueRevocationLink('nope')).toBeNull();
    const link = (await sessions.issueRevocationLink(session.id, { ttl: 60_000 }))!;
    now += 60_000;
    expect(await sessions.redeemRevocationLink(link)).toBeNull();
    for (const junk of [undefined, null, 42, '', 'a.b', [link]]) expect(await sessions.redeemRevocationLink(junk)).toBeNull();
    expect(await codeOf(sessions.redeemRevocationLink(link, { everywhere: 'yes' as never }))).toBe('INVALID_INPUT');
  });

  it('are put back when the sign-out fails in the store, so the user can try again', async () => {
    const inner = memoryStore();
    let failRevoke = false;
    const store: SessionStore = {
      ...inner,
      apply: (batch) => (failRevoke && batch.writes.some((write) => write.type === 'revoke') ? Promise.reject(new Error('disk full')) : inner.apply(batch)),
    };
    const errors: unknown[] = [];
    const sessions = createSessionManager({ store, onError: (error) => void errors.push(error) });
    const { session, token } = await sessions.create({ userId: 'ada' });
    const link = (await sessions.issueRevocationLink(session.id))!;
    failRevoke = true;
    expect(await codeOf(sessions.redeemRevocationLink(link))).toBe('STORE_ERROR');
    failRevoke = false;
    expect(await sessions.redeemRevocationLink(link)).toEqual({ userId: 'ada', sessionId: session.id, everywhere: false, revokedIds: [session.id], deviceFound: false });
    expect((await sessions.validate(token)).ok).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('what the manager accepts from a store: the new answers', () => {
  const refusal = (check: () => unknown) => {
    try {
      check();
      return 'accepted';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };

  it('tenant epochs are read with the row and never trusted when malformed', () => {
    const row = { id: 'AbCdEfGhIjKlMnOpQrSt-_', userId: 'ada', tenantId: 'acme', kind: 'browser', secretHash: new Uint8Array(32), createdAt: 5, expiresAt: 50, lastUsedAt: 5, authenticatedAt: 5 };
    expect(refusal(() => checkLookup({ session: row, epochs: {}, tenantEpochs: 'soon' }, row.id))).toBe('STORE_ERROR');
    expect(refusal(() => checkLookup({ session: { ...row, impersonatorId: 7 }, epochs: {} }, row.id))).toBe('STORE_ERROR');
    const state = { version: 1, sessions: [row], epochs: {}, highWater: {}, tenantEpochs: { acme: { browser: 3 } }, denied: {}, devices: {} };
    expect(checkUserState(state, 'ada')).toBe(state);
    expect(refusal(() => checkUserState({ ...state, tenantEpochs: { acme: 3 } }, 'ada'))).toBe('STORE_ERROR');
    expect(refusal(() => checkUserState({ ...state, tenantEpochs: { acme: { browser: '9' } } }, 'ada'))).toBe('STORE_ERROR');
    // createdAt 5: the tenant's epoch 9 revokes it, its user's 3 alone does not.
    expect(refusalOf(row, { epochs: { browser: 3 }, tenantEpochs: { browser: 9 } }, 6, 0, 'get')).toBe('revoked');
    expect(refusalOf(row, { epochs: { browser: 3 }, tenantEpochs: { browser: 4 } }, 6, 0, 'get')).toBeUndefined();
    expect(refusalOf({ ...row, tenantId: undefined }, { epochs: { browser: 3 }, tenantEpochs: { browser: 9 } }, 6, 0, 'get')).toBeUndefined();
    expect(refusal(() => refusalOf(row, { epochs: {}, tenantEpochs: { browser: '9' } as never }, 6, 0, 'get'))).toBe('STORE_ERROR');
  });

  it('activity pages, links and sightings are checked', () => {
    const entry = { id: 'e1', userId: 'ada', type: 'session.created', reason: 'sign_in', at: 5 };
    expect(checkActivity([entry], 'ada', undefined, 5)).toEqual([entry]);
    expect(refusal(() => checkActivity([entry], 'bob', undefined, 5))).toBe('STORE_ERROR');
    expect(refusal(() => checkActivity([entry, entry], 'ada', undefined, 1))).toBe('STORE_ERROR');
    expect(refusal(() => checkActivity([{ ...entry, at: 'now' }], 'ada', undefined, 5))).toBe('STORE_ERROR');
    expect(refusal(() => checkActivity({ 0: entry }, 'ada', undefined, 5))).toBe('STORE_ERROR');
    const tenantEntry = { ...entry, userId: undefined, tenantId: 'acme' };
    expect(checkActivity([tenantEntry], 'ada', 'acme', 5)).toHaveLength(1);
    expect(refusal(() => checkActivity([tenantEntry], 'ada', 'other', 5))).toBe('STORE_ERROR');
    expect(refusal(() => checkActivity([tenantEntry], 'ada', undefined, 5))).toBe('STORE_ERROR');
  });

  it('keys, deny-lists and known devices are checked', () => {
    expect(checkKeyState({ version: 0 })).toEqual({ version: 0 });
    expect(checkKeyState({ version: 2, value: 'x', expiresAt: 9 })).toEqual({ version: 2, value: 'x', expiresAt: 9 });
    expect(refusal(() => checkKeyState({ version: 2, value: 'x', expiresAt: Infinity }))).toBe('STORE_ERROR');
    expect(refusal(() => checkKeyState({ version: 2, value: 5, expiresAt: 9 }))).toBe('STORE_ERROR');
    expect(refusal(() => checkKeyState({ version: 2, value: 'x' }))).toBe('STORE_ERROR');
    expect(refusal(() => checkKeyState({ version: -1 }))).toBe('STORE_ERROR');
    expect(refusal(() => checkKeyState({ version: 1.5 }))).toBe('STORE_ERROR');
    const state = { version: 0, sessions: [], epochs: {}, highWater: { browser: 4 }, tenantEpochs: {}, denied: { s: 5 }, devices: { h: 5 } };
    expect(checkUserState(state, 'ada')).toBe(state);
    expect(refusal(() => checkUserState({ ...state, devices: { h: '5' } }, 'ada'))).toBe('STORE_ERROR');
    expect(refusal(() => checkUserState({ ...state, highWater: { browser: 'later' } }, 'ada'))).toBe('STORE_ERROR');
    expect(refusal(() => checkUserState({ ...state, highWater: undefined }, 'ada'))).toBe('STORE_ERROR');
    expect(refusal(() => checkUserState({ ...state, denied: { s: Number.NaN } }, 'ada'))).toBe('STORE_ERROR');
    expect(refusal(() => checkUserState({ ...state, version: '0' }, 'ada'))).toBe('STORE_ERROR');
  });

  it('a revocation link whose stored value is not one is a store error, never a sign-out', async () => {
    const inner = memoryStore();
    const sessions = createSessionManager({ store: { ...inner, readKey: async (key) => ({ ...(await inner.readKey(key)), value: '{"secretHash":7}' }) } });
    const { session, token } = await sessions.create({ userId: 'ada' });
    const link = (await sessions.issueRevocationLink(session.id))!;
    expect(await codeOf(sessions.redeemRevocationLink(link))).toBe('STORE_ERROR');
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await storeOperations(inner).consumeRevocationLink!('AAAAAAAAAAAAAAAAAAAAAA', new Uint8Array(32), Date.now())).toBeNull();
  });
});

describe('fixes from review: support sessions stay support sessions', () => {
  it('a credential change made from a support session does not keep it, and create() refuses the kind by hand', async () => {
    const sessions = createSessionManager();
    const admin = await sessions.create({ userId: 'root', tenantId: 'acme' });
    const support = await sessions.impersonate(admin.session, 'ada');
    expect(support.session.tenantId).toBe('acme');
    expect(await sessions.emailChanged('ada', { currentSessionId: support.session.id, by: 'root' })).toEqual({});
    expect((await sessions.validate(support.token)).ok).toBe(false);
    expect(await codeOf(sessions.create({ userId: 'ada', kind: 'impersonation' }))).toBe('INVALID_INPUT');
    // A tenant-wide sign-out of the admin's organization ends the support session.
    const again = await sessions.impersonate(admin.session, 'ada');
    await sessions.revokeTenant('acme', { kinds: ['impersonation'] });
    expect((await sessions.validate(again.token)).ok).toBe(false);
  });

  it('a sign-in whose batch fails stores neither its session nor its device: the next sign-in from that device is still new', async () => {
    const inner = memoryStore();
    let fail = true;
    const store: SessionStore = { ...inner, apply: (batch) => (fail ? ((fail = false), Promise.reject(new Error('devices table locked'))) : inner.apply(batch)) };
    const sessions = createSessionManager({ store });
    const created: boolean[] = [];
    sessions.on('session.created', (event) => void created.push(event.newDevice));
    expect(await codeOf(sessions.create({ userId: 'ada', userAgent: CHROME }))).toBe('STORE_ERROR');
    expect(await sessions.list('ada')).toEqual([]);
    await sessions.create({ userId: 'ada', userAgent: CHROME });
    expect(created).toEqual([true]);
  });

  it('refuses a reason, actor or tenant a store could not keep, before anything is revoked', async () => {
    const sessions = createSessionManager();
    const { session, token } = await sessions.create({ userId: 'ada' });
    expect(await codeOf(sessions.revokeAll('ada', { reason: 123 as never }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revokeAll('ada', { by: 'x'.repeat(257) }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revoke(session.id, { reason: 'r'.repeat(65) }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revokeOthers('ada', session.id, { tenantId: '' }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revokeTenant('acme', { by: '\u0000' }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revokeUsers(['ada'], { reason: '' }))).toBe('INVALID_INPUT');
    // Refused before any user, not one store failure per user to retry.
    expect(await codeOf(sessions.revokeUsers(['ada'], null as never))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.revokeAll('ada', null as never))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.reauthenticated(session.id, { by: 7 as never }))).toBe('INVALID_INPUT');
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await sessions.activity('ada')).toHaveLength(1);
  });
});
