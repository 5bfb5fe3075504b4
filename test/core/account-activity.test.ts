import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent } from '../../src/index.js';
import { DAY, TestClock, UA } from '../support/clock.js';

// What the manager writes to the activity and known devices, and what it makes of them: decided
// once in TypeScript, so tested here on the memory store; the store kit checks a store keeps them.

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

describe('account activity through the manager', () => {
  it("the session cap's evictions are in the activity", async () => {
    const sessions = createSessionManager({ store: memoryStore(), maxSessions: { browser: 1 } });
    const first = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    const evicted = (await sessions.activity('ada')).find((entry) => entry.reason === 'session_limit');
    expect(evicted?.sessionId).toBe(first.session.id);
  });

  it('a sign-in ending a dozen sessions lists their entries once each, last ended first, however small the pages', async () => {
    const clock = new TestClock();
    const store = memoryStore();
    const uncapped = createSessionManager({ store, clock: clock.read, kinds: { browser: { replaceDevice: false } } });
    const signedIn: string[] = [];
    for (let i = 0; i < 12; i++, clock.advance(1_000)) signedIn.push((await uncapped.create({ userId: 'ada', userAgent: UA.chromeMac })).session.id);
    // A lower cap: the next sign-in evicts all twelve in one batch, least recently used first.
    const capped = createSessionManager({ store, clock: clock.read, maxSessions: { browser: 1 } });
    const latest = await capped.create({ userId: 'ada', userAgent: UA.safariIphone });
    const paged: { id: string; sessionId?: string | undefined }[] = [];
    for (let before: string | undefined; ; ) {
      const page = await capped.activity('ada', { limit: 5, before });
      if (page.length === 0) break;
      paged.push(...page);
      before = page.at(-1)!.id;
    }
    expect(new Set(paged.map((entry) => entry.id)).size).toBe(paged.length);
    // The evictions, the last ended first, then the sign-in that ended them, then the twelve sign-ins, newest first.
    const newestFirst = [...signedIn].reverse();
    expect(paged.map((entry) => entry.sessionId)).toEqual([...newestFirst, latest.session.id, ...newestFirst]);
  });

  it('prunes activity older than activityRetention and devices not seen in knownDeviceWindow, keeps the rest', async () => {
    const clock = new TestClock();
    const start = clock.now;
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, activityRetention: 10 * DAY, knownDeviceWindow: 10 * DAY, maxAge: 60 * DAY });
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
    clock.set(start + 6 * DAY);
    const phone = await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    clock.set(start + 11 * DAY);
    await sessions.prune();
    expect((await sessions.activity('ada')).map((entry) => entry.sessionId)).toEqual([phone.session.id]);
    const created: boolean[] = [];
    sessions.on('session.created', (event) => void created.push(event.newDevice));
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    expect(created).toEqual([true, false]);
  });

  it('session.created says whether the device is new to the user: browser, OS and network within knownDeviceWindow', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, knownDeviceWindow: 5 * DAY });
    const created: { newDevice: boolean; ip?: string | undefined }[] = [];
    sessions.on('session.created', (event) => void created.push({ newDevice: event.newDevice, ip: event.ip }));
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.4' });
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.99' });
    await sessions.create({ userId: 'ada', userAgent: UA.firefoxWindows, ip: '198.51.100.4' });
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '192.0.2.1' });
    await sessions.create({ userId: 'bob', userAgent: UA.chromeMac, ip: '198.51.100.4' });
    clock.advance(5 * DAY);
    await sessions.create({ userId: 'ada', userAgent: UA.firefoxWindows, ip: '198.51.100.4' });
    expect([created.map((event) => event.newDevice), created[0]!.ip]).toEqual([[true, false, true, true, true, true], '198.51.100.4']);
  });

  it('an address given with its port (as some proxies write it) is kept without it, and its network still tells a new device', async () => {
    const sessions = createSessionManager({ store: memoryStore(), ipPolicy: 'truncate' });
    const created: { newDevice: boolean; ip?: string | undefined }[] = [];
    sessions.on('session.created', (event) => void created.push({ newDevice: event.newDevice, ip: event.ip }));
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.7:50123' });
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '[2001:db8:1::7]:41234' });
    await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.9:443' });
    expect(created).toEqual([
      { newDevice: true, ip: '198.51.100.0' },
      { newDevice: true, ip: '2001:db8:1::' },
      { newDevice: false, ip: '198.51.100.0' },
    ]);
  });

  it('eraseUser leaves no activity or device; exportUser lists them without a secret', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const { session } = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '203.0.113.9' });
    await sessions.revoke(session.id);
    const link = await sessions.issueRevocationLink((await sessions.create({ userId: 'ada' })).session.id);
    const exported = await sessions.exportUser('ada');
    expect(exported.activity.map((entry) => entry.type)).toEqual(['session.created', 'session.revoked', 'session.created']);
    expect(exported.devices).toHaveLength(2);
    expect(JSON.stringify(exported)).not.toContain(link!.split('.')[1]!);
    await sessions.eraseUser('ada');
    const after = await sessions.exportUser('ada');
    expect([after.activity, after.devices, after.sessions]).toEqual([[], [], []]);
    expect(await sessions.redeemRevocationLink(link)).toBeNull();
  });

  it('revokeTenant signs out every session and access token of the tenant, no one else, and a sign-in right after works', async () => {
    const store = memoryStore();
    const sessions = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
    const ada = await sessions.create({ userId: 'ada', tenantId: 'acme', userAgent: UA.chromeMac });
    const bob = await sessions.create({ userId: 'bob', tenantId: 'acme', kind: 'api' });
    const outsider = await sessions.create({ userId: 'eve', tenantId: 'globex' });
    const loner = await sessions.create({ userId: 'solo' });
    const jwt = await sessions.issueAccessToken(bob.session);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    const events: SessionEvent[] = [];
    sessions.on('tenant.sessions_invalidated', (event) => void events.push(event));
    const { epochs } = await sessions.revokeTenant('acme', { kinds: 'all', by: 'owner-1' });
    expect(Object.keys(epochs).sort()).toEqual(['api', 'browser', 'impersonation', 'remember']);
    expect(events.map((event) => event.type === 'tenant.sessions_invalidated' && [event.tenantId, event.by, event.reason])).toEqual([['acme', 'owner-1', 'admin']]);
    for (const { token } of [ada, bob]) expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    // The cached state of the token's user was dropped at once.
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    for (const { token } of [outsider, loner]) expect((await sessions.validate(token)).ok).toBe(true);
    expect(await sessions.list('ada')).toEqual([]);
    const again = await sessions.create({ userId: 'ada', tenantId: 'acme' });
    expect((await sessions.validate(again.token)).ok).toBe(true);
    expect((await sessions.verifyAccessToken(await sessions.issueAccessToken(again.session))).ok).toBe(true);
    // Another instance sees the tenant epoch on its first read.
    const other = createSessionManager({ store });
    expect((await other.validate(ada.token)).ok).toBe(false);
    expect((await other.validate(again.token)).ok).toBe(true);
    const entries = await sessions.activity('ada', { tenantId: 'acme' });
    expect(entries.map((entry) => [entry.type, entry.reason, entry.by])).toEqual([
      ['session.created', 'sign_in', undefined],
      ['tenant.sessions_invalidated', 'admin', 'owner-1'],
      ['session.created', 'sign_in', undefined],
    ]);
  });

  it("a support session is the user's, never fresh, listed as support access, and ended by the user's sign out everywhere", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'root', userAgent: UA.chromeMac });
    const own = await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    const events: SessionEvent[] = [];
    sessions.on('*', (event) => void events.push(event));
    const support = await sessions.impersonate(admin.session, 'ada');
    expect([support.session.kind, support.session.userId, support.session.impersonatorId]).toEqual(['impersonation', 'ada', 'root']);
    expect(support.session.expiresAt - support.session.createdAt).toBe(60 * 60 * 1000);
    const validated = await sessions.validate(support.token);
    expect(validated.ok && validated.session.impersonatorId).toBe('root');
    expect(validated.ok && sessions.isFresh(validated.session)).toBe(false);
    // Also for an app that passes only the field the signature names.
    expect(validated.ok && sessions.isFresh({ authenticatedAt: validated.session.authenticatedAt })).toBe(false);
    expect(await sessions.reauthenticated(support.session.id)).toBeNull();
    expect((await sessions.list('ada', { currentSessionId: own.session.id })).map((view) => [view.kind, view.deviceLabel, view.impersonatorId])).toEqual([
      ['browser', 'Safari on iOS', undefined],
      ['impersonation', 'Support access by root', 'root'],
    ]);
    expect(events.map((event) => event.type === 'session.created' && [event.reason, event.by, event.newDevice])).toEqual([['impersonation', 'root', false]]);
    // The admin's browser is not one of the user's devices.
    expect((await sessions.exportUser('ada')).devices).toHaveLength(1);
    await sessions.revokeAll('ada');
    expect((await sessions.validate(support.token)).ok).toBe(false);
    // A support session cannot start another one, and a dead admin session starts none.
    const second = await sessions.impersonate(admin.session, 'ada');
    expect(await sessions.impersonate(second.session, 'bob').catch((error: { code?: string }) => error.code)).toBe('UNAUTHENTICATED');
    await sessions.revoke(admin.session.id);
    expect(await sessions.impersonate(admin.session, 'ada').catch((error: { code?: string }) => error.code)).toBe('UNAUTHENTICATED');
  });
});

describe("a tenant-scoped sign-out of the others in the activity", () => {
  it('names no session: the kept one is not read (a tenant admin passes any id), as a tenant admin\'s sign-out of the user names none', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const bob = await sessions.create({ userId: 'bob', tenantId: 't', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'alice', tenantId: 't', userAgent: UA.chromeMac });
    await sessions.revokeOthers('alice', bob.session.id, { tenantId: 't', by: 'tenant-admin' });
    const entries = await sessions.activity('alice', { tenantId: 't' });
    expect(entries.find((entry) => entry.type === 'user.session_invalidated')).toMatchObject({ reason: 'sign_out_others', by: 'tenant-admin', tenantId: 't' });
    expect(entries.filter((entry) => entry.sessionId === bob.session.id)).toEqual([]);
  });
});
