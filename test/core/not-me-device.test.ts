import { describe, expect, it } from 'vitest';
import { notMePage } from '../../src/http/not-me-page.js';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import type { SessionStore } from '../../src/store.js';
import { mintToken } from '../../src/token.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { fakeRequest } from '../http/fake-request.js';

// "This wasn't me" ends what the device holds now: an attacker who signs in again from the same
// browser (device replacement) or changes the password has a new session on that device, and
// the victim's link must end it too, and say "signed out" only when something was.

const ATTACKER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const VICTIM = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

async function attacked() {
  const sessions = createSessionManager({ store: memoryStore() });
  const victim = await sessions.create({ userId: 'alice', userAgent: VICTIM });
  const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
  const link = (await sessions.issueRevocationLink(first.session.id))!;
  return { sessions, victim, first, link };
}

/** What the page at the link answers to its own form's POST. */
async function pageTitle(sessions: ReturnType<typeof createSessionManager>, link: string): Promise<string> {
  const response = await notMePage(sessions, fakeRequest({ method: 'POST', url: `/sessions/not-me?token=${encodeURIComponent(link)}` }), '/sessions/not-me');
  return /<h1>([^<]*)<\/h1>/.exec(String(response.body))?.[1] ?? String(response.body);
}

describe('"This wasn\'t me" ends what that device holds now', () => {
  it('after the attacker signed in again from the same browser', async () => {
    const { sessions, victim, first, link } = await attacked();
    const again = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(victim.token)).ok).toBe(true);
  });

  it("ends the device's idle session too, so an access token minted before it went idle stops working", async () => {
    let now = 1_800_000_000_000;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, idleTimeout: 15 * 60_000, epochCacheTtl: 0, accessTokens: { secret: 'x'.repeat(32), ttl: 3_600_000 } });
    const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    const again = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const jwt = await sessions.issueAccessToken(again.session);
    now += 16 * 60_000;
    expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'idle' });
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    expect((await sessions.redeemRevocationLink(link))?.revokedIds).toEqual([again.session.id]);
    expect(await sessions.verifyAccessToken(jwt)).toMatchObject({ ok: false });
  });

  it("after the attacker changed the password from that device", async () => {
    const { sessions, victim, first, link } = await attacked();
    const changed = await sessions.passwordChanged('alice', { currentSessionId: first.session.id });
    expect((await sessions.validate(changed.token)).ok).toBe(true);
    const redeemed = await sessions.redeemRevocationLink(link);
    expect(redeemed?.revokedIds).toEqual([changed.session!.id]);
    expect(await sessions.validate(changed.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(victim.token)).ok).toBe(false);
  });

  it("makes the disowned device new again: the attacker's next sign-in from it alerts, the victim's own devices stay known", async () => {
    const { sessions, first, link } = await attacked();
    const alerts: Array<[string | undefined, boolean]> = [];
    sessions.on('session.created', (event) => void alerts.push([event.deviceLabel, event.newDevice]));
    const ip = first.session.ip;
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    await sessions.create({ userId: 'alice', userAgent: ATTACKER, ip });
    await sessions.create({ userId: 'alice', userAgent: VICTIM });
    await sessions.create({ userId: 'alice', userAgent: ATTACKER, ip });
    expect(alerts).toEqual([
      ['Chrome on Mac OS', true],
      ['Safari on iOS', false],
      ['Chrome on Mac OS', false],
    ]);
  });

  it('names the session it ended, and says so plainly when the device had nothing live left', async () => {
    const { sessions, first, link } = await attacked();
    await sessions.revoke(first.session.id);
    expect(await pageTitle(sessions, link)).toBe('That device was already signed out');
    const fresh = await attacked();
    expect((await fresh.sessions.redeemRevocationLink(fresh.link))?.revokedIds).toEqual([fresh.first.session.id]);
  });
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A link as a release before links carried their device saved it: the user and the session only. */
async function earlierReleaseLink(store: SessionStore, userId: string, sessionId: string, expiresAt: number): Promise<string> {
  const minted = mintToken();
  await storeOperations(store).saveRevocationLink!({ id: minted.id, secretHash: minted.secretHash, userId, sessionId, expiresAt });
  return minted.token;
}

/** A manager whose browser sessions last an hour, shorter than a link's default week. */
function hourLong(options: { activityRetention?: number } = {}) {
  const clock = { now: Date.now() };
  const sessions = createSessionManager({ store: memoryStore(), clock: () => clock.now, kinds: { browser: { maxAge: HOUR } }, ...options });
  return { sessions, advance: (ms: number) => void (clock.now += ms) };
}

describe('"This wasn\'t me" once the linked session\'s row is gone', () => {
  it('ends the session that replaced it on that device, from what the link carries', async () => {
    const { sessions, advance } = hourLong();
    const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    advance(50 * MINUTE);
    const again = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    advance(15 * MINUTE);
    await sessions.prune();
    expect((await sessions.validate(again.token)).ok).toBe(true);
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('ends it too, in every tenant, when the account activity of that sign-in is gone as well', async () => {
    const { sessions, advance } = hourLong({ activityRetention: 30 * MINUTE });
    const first = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: ATTACKER });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    advance(50 * MINUTE);
    const again = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: ATTACKER });
    const elsewhere = await sessions.create({ userId: 'alice', tenantId: 'globex', userAgent: ATTACKER });
    advance(15 * MINUTE);
    await sessions.prune();
    // The sign-in's entry, with its device, is pruned.
    expect((await sessions.activity('alice')).some((entry) => entry.sessionId === first.session.id && entry.type === 'session.created')).toBe(false);
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.validate(elsewhere.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a link of an earlier release (no device on it) says it could not tell the device, never "signed out", and reads no activity', async () => {
    const store = memoryStore();
    const clock = { now: Date.now() };
    const sessions = createSessionManager({ store, clock: () => clock.now, kinds: { browser: { maxAge: HOUR } } });
    const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const link = await earlierReleaseLink(store, 'alice', first.session.id, clock.now + DAY);
    clock.now += 50 * MINUTE;
    const again = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    clock.now += 15 * MINUTE;
    await sessions.prune();
    const response = await notMePage(sessions, fakeRequest({ method: 'POST', url: `/sessions/not-me?token=${encodeURIComponent(link)}` }), '/sessions/not-me');
    const body = String(response.body);
    expect(/<h1>([^<]*)<\/h1>/.exec(body)?.[1]).toBe('That sign-in had already ended');
    expect(body).not.toMatch(/device was (already )?signed out/);
    expect(body).toContain('sign out every device');
    expect((await sessions.validate(again.token)).ok).toBe(true);
  });

  it("a link of an earlier release whose session's row is still there finds the device from that row", async () => {
    const store = memoryStore();
    const sessions = createSessionManager({ store });
    const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const link = await earlierReleaseLink(store, 'alice', first.session.id, Date.now() + DAY);
    const again = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('"This wasn\'t me" ends that device only', () => {
  it('in every tenant (one sign-in from it alerted: the next, to another tenant, is a known device), of the kinds a browser holds, never a support session', async () => {
    const sessions = createSessionManager({ store: memoryStore(), kinds: { kiosk: { replaceDevice: false } } });
    const admin = await sessions.create({ userId: 'admin', userAgent: VICTIM });
    const inAcme = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: ATTACKER });
    const link = (await sessions.issueRevocationLink(inAcme.session.id))!;
    const inAcmeRemembered = await sessions.create({ userId: 'alice', tenantId: 'acme', kind: 'remember', userAgent: ATTACKER });
    const inGlobex = await sessions.create({ userId: 'alice', tenantId: 'globex', userAgent: ATTACKER });
    const alone = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const api = await sessions.create({ userId: 'alice', tenantId: 'acme', kind: 'api', userAgent: ATTACKER });
    const kiosk = await sessions.create({ userId: 'alice', tenantId: 'acme', kind: 'kiosk', userAgent: ATTACKER });
    const support = await sessions.impersonate(admin.session, 'alice', { tenantId: 'acme', userAgent: ATTACKER });
    const redeemed = await sessions.redeemRevocationLink(link);
    expect([...(redeemed?.revokedIds ?? [])].sort()).toEqual([inAcme.session.id, inAcmeRemembered.session.id, inGlobex.session.id, alone.session.id].sort());
    expect(redeemed?.deviceFound).toBe(true);
    for (const { token } of [api, kiosk, support]) expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('says "signed out" only once the intruder is out of every organization it signed in to from that browser', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const alerts: string[] = [];
    sessions.on('session.created', (event) => void (event.newDevice === true && alerts.push(event.sessionIds![0]!)));
    const acme = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: ATTACKER, ip: '198.51.100.9' });
    const globex = await sessions.create({ userId: 'alice', tenantId: 'globex', userAgent: ATTACKER, ip: '198.51.100.9' });
    // One email, about the first sign-in: the second is from a device now known.
    expect(alerts).toEqual([acme.session.id]);
    expect(await pageTitle(sessions, (await sessions.issueRevocationLink(acme.session.id))!)).toBe('That device was signed out');
    expect(await sessions.validate(acme.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.validate(globex.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("a link about a support session ends that session alone, never the user's own sessions on the admin's browser", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'admin', userAgent: ATTACKER });
    const own = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const support = await sessions.impersonate(admin.session, 'alice', { userAgent: ATTACKER });
    const link = (await sessions.issueRevocationLink(support.session.id))!;
    const redeemed = await sessions.redeemRevocationLink(link);
    expect([redeemed?.revokedIds, redeemed?.deviceFound]).toEqual([[support.session.id], false]);
    expect((await sessions.validate(own.token)).ok).toBe(true);
    expect((await sessions.validate(admin.token)).ok).toBe(true);
  });

  it("tells devices apart by their key, whatever names a custom parser gives, once the linked session's row is gone", async () => {
    // Two devices whose labels read alike ("Web on Kiosk on Linux") but whose browser and OS differ.
    const deviceParser = (userAgent: string) => (userAgent === 'first-device' ? { browser: 'Web on Kiosk', os: 'Linux' } : { browser: 'Web', os: 'Kiosk on Linux' });
    const clock = { now: Date.now() };
    const sessions = createSessionManager({ store: memoryStore(), clock: () => clock.now, deviceParser, kinds: { browser: { maxAge: HOUR } } });
    const first = await sessions.create({ userId: 'alice', userAgent: 'first-device' });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    clock.now += 50 * MINUTE;
    const again = await sessions.create({ userId: 'alice', userAgent: 'first-device' });
    const other = await sessions.create({ userId: 'alice', userAgent: 'second-device' });
    clock.now += 15 * MINUTE;
    await sessions.prune();
    expect((await sessions.redeemRevocationLink(link))?.revokedIds).toEqual([again.session.id]);
    expect((await sessions.validate(other.token)).ok).toBe(true);
  });

  it('a session of unknown browser is ended alone, and the answer says the device could not be told', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const odd = await sessions.create({ userId: 'alice', userAgent: 'curl/8.4.0' });
    const other = await sessions.create({ userId: 'alice', userAgent: 'curl/8.4.0' });
    const link = (await sessions.issueRevocationLink(odd.session.id))!;
    expect(await pageTitle(sessions, link)).toBe('That sign-in was signed out');
    expect((await sessions.validate(odd.token)).ok).toBe(false);
    expect((await sessions.validate(other.token)).ok).toBe(true);
  });

  it('an idle linked session is ended and counted: the page says the device was signed out', async () => {
    let now = 1_800_000_000_000;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, idleTimeout: 15 * 60_000, epochCacheTtl: 0, accessTokens: { secret: 'x'.repeat(32), ttl: 3_600_000 } });
    const first = await sessions.create({ userId: 'alice', userAgent: ATTACKER });
    const jwt = await sessions.issueAccessToken(first.session);
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    now += 16 * 60_000;
    expect(await pageTitle(sessions, link)).toBe('That device was signed out');
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(false);
  });
});

// The victim redeems the link on one server while, on another, the attacker changes the password from
// the device after the redemption read the user's sessions, before it wrote.
describe('"This wasn\'t me" while the attacker changes the password from that device', () => {
  it("ends the change's new session too: the device's sessions end in one batch with their read", async () => {
    const shared = memoryStore();
    const attacker = createSessionManager({ store: shared });
    const first = await attacker.create({ userId: 'alice', userAgent: ATTACKER });
    const link = (await attacker.issueRevocationLink(first.session.id))!;
    const again = await attacker.create({ userId: 'alice', userAgent: ATTACKER });
    let [read, changed] = [false, undefined as string | undefined];
    const store: SessionStore = intercepted(shared, (method, call) => {
      read ||= method === 'listByUser' || method === 'readUser';
      if (method !== 'apply' || !read || changed !== undefined) return call();
      return attacker.passwordChanged('alice', { currentSessionId: again.session.id }).then((made) => {
        changed = made.token;
        return call();
      });
    });
    const victim = createSessionManager({ store });

    const redeemed = await victim.redeemRevocationLink(link);
    expect(read).toBe(true);
    expect(changed).toEqual(expect.any(String));
    expect(await victim.validate(changed!)).toEqual({ ok: false, reason: 'revoked' });
    expect(redeemed).toMatchObject({ revokedIds: [expect.any(String)], deviceFound: true });
    expect(await victim.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('"This wasn\'t me" about a session of a kind that does not replace devices', () => {
  const phones = () => createSessionManager({ store: memoryStore(), kinds: { mobile: { replaceDevice: false } } });

  it('says it could not tell the device, never "signed out", while another session of that kind lives on the same browser and OS', async () => {
    const sessions = phones();
    const first = await sessions.create({ userId: 'alice', kind: 'mobile', userAgent: VICTIM });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    const second = await sessions.create({ userId: 'alice', kind: 'mobile', userAgent: VICTIM });
    const response = await notMePage(sessions, fakeRequest({ method: 'POST', url: `/sessions/not-me?token=${encodeURIComponent(link)}` }), '/sessions/not-me');
    const body = String(response.body);
    expect(/<h1>([^<]*)<\/h1>/.exec(body)?.[1]).toBe('That sign-in was signed out');
    expect(body).toContain('sign out every device');
    expect((await sessions.validate(first.token)).ok).toBe(false);
    // A household's phones read alike: the store cannot tell this one from the user's own.
    expect((await sessions.validate(second.token)).ok).toBe(true);
  });

  it("answers deviceFound false after a password change there too, whose fresh session it cannot tell apart", async () => {
    const sessions = phones();
    const first = await sessions.create({ userId: 'alice', kind: 'mobile', userAgent: VICTIM });
    const link = (await sessions.issueRevocationLink(first.session.id))!;
    await sessions.passwordChanged('alice', { currentSessionId: first.session.id });
    expect(await sessions.redeemRevocationLink(link)).toMatchObject({ revokedIds: [], deviceFound: false });
  });
});

// The attacker signs in again from the disowned device on another server while the victim's redemption runs.
describe('"This wasn\'t me" disowns the device in the batch that signs it out', () => {
  it('a sign-in from that device racing the redemption is ended with it, and the next one is a new device again', async () => {
    const shared = memoryStore();
    const attacker = createSessionManager({ store: shared });
    const alerts: boolean[] = [];
    attacker.on('session.created', (event) => void alerts.push(event.newDevice === true));
    const first = await attacker.create({ userId: 'alice', userAgent: ATTACKER, ip: '198.51.100.23' });
    const link = (await attacker.issueRevocationLink(first.session.id))!;
    let again: string | undefined;
    const store: SessionStore = intercepted(shared, (method, call, args) => {
      const batch = args[0] as { writes?: readonly { type: string; lastSeenAt?: number }[] } | undefined;
      if (method !== 'apply' || again !== undefined || !batch?.writes?.some((write) => write.type === 'device' && write.lastSeenAt === 0)) return call();
      return attacker.create({ userId: 'alice', userAgent: ATTACKER, ip: '198.51.100.23' }).then((made) => {
        again = made.token;
        return call();
      });
    });
    const victim = createSessionManager({ store });
    await victim.redeemRevocationLink(link);
    expect(again).toEqual(expect.any(String));
    expect(await victim.validate(again!)).toEqual({ ok: false, reason: 'revoked' });
    await attacker.create({ userId: 'alice', userAgent: ATTACKER, ip: '198.51.100.23' });
    expect(alerts).toEqual([true, false, true]);
  });
});
