import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// A tenant admin removing a teammate ends only that organization's sessions of the user; the
// user's own "sign out everywhere" and every policy path still end them all.

const SECRET = 'tenant-scoped-revocation-test-secret-0123456789';

async function member() {
  const sessions = createSessionManager({ store: memoryStore() });
  const inAcme = await sessions.create({ userId: 'alice', tenantId: 'acme' });
  const inGlobex = await sessions.create({ userId: 'alice', tenantId: 'globex', kind: 'remember' });
  const alone = await sessions.create({ userId: 'alice', kind: 'remember' });
  return { sessions, inAcme, inGlobex, alone };
}

describe('revokeAll(userId, { tenantId })', () => {
  it('writes its activity entry with the first revocation: a store refusing entries written alone loses none', async () => {
    const inner = memoryStore();
    // Fails every batch that writes activity alone.
    const store = { ...inner, apply: (batch: Parameters<typeof inner.apply>[0]) => (batch.writes.every((write) => write.type === 'activity') ? Promise.reject(new Error('connection reset')) : inner.apply(batch)) };
    const sessions = createSessionManager({ store, onError: () => undefined });
    const { token } = await sessions.create({ userId: 'alice', tenantId: 'acme' });
    await sessions.revokeAll('alice', { tenantId: 'acme', by: 'admin-1' });
    expect((await sessions.validate(token)).ok).toBe(false);
    expect((await sessions.activity('alice')).map((entry) => `${entry.type} ${entry.reason}`)).toContain('user.session_invalidated admin');
  });

  it("ends only that tenant's sessions of the user, and names them", async () => {
    const { sessions, inAcme, inGlobex, alone } = await member();
    const result = await sessions.revokeAll('alice', { kinds: 'all', by: 'admin', tenantId: 'acme' });
    expect(result).toEqual({ epochs: {}, revokedIds: [inAcme.session.id] });
    expect(await sessions.validate(inAcme.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect((await sessions.validate(alone.token)).ok).toBe(true);
  });

  it("ends an idle session of the tenant too, so an access token minted before it went idle stops working", async () => {
    let now = 1_800_000_000_000;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, idleTimeout: 15 * 60_000, epochCacheTtl: 0, accessTokens: { secret: 'x'.repeat(32), ttl: 3_600_000 } });
    const { session, token } = await sessions.create({ userId: 'ada', tenantId: 'acme' });
    const jwt = await sessions.issueAccessToken(session);
    now += 16 * 60_000;
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'idle' });
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    expect(await sessions.revokeAll('ada', { tenantId: 'acme', by: 'admin-1' })).toEqual({ epochs: {}, revokedIds: [session.id] });
    expect(await sessions.verifyAccessToken(jwt)).toMatchObject({ ok: false });
  });

  it("ends the kinds asked only, and their access tokens at once on the instance that caches revocations, and on another that reads them", async () => {
    const store = memoryStore();
    const sessions = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
    const inAcme = await sessions.create({ userId: 'alice', tenantId: 'acme' });
    const apiInAcme = await sessions.create({ userId: 'alice', tenantId: 'acme', kind: 'api' });
    const inGlobex = await sessions.create({ userId: 'alice', tenantId: 'globex', kind: 'remember' });
    const [acmeJwt, apiJwt, globexJwt] = await Promise.all([inAcme, apiInAcme, inGlobex].map(({ session }) => sessions.issueAccessToken(session)));
    for (const jwt of [acmeJwt!, apiJwt!, globexJwt!]) expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    // The default kinds, as "sign out everywhere": the tenant's API session stays.
    expect(await sessions.revokeAll('alice', { by: 'admin', tenantId: 'acme' })).toEqual({ epochs: {}, revokedIds: [inAcme.session.id] });
    expect(await sessions.verifyAccessToken(acmeJwt!)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(apiInAcme.token)).ok).toBe(true);
    expect((await sessions.verifyAccessToken(apiJwt!)).ok).toBe(true);
    expect(await sessions.revokeAll('alice', { kinds: 'all', by: 'admin', tenantId: 'acme' })).toEqual({ epochs: {}, revokedIds: [apiInAcme.session.id] });
    expect(await sessions.verifyAccessToken(apiJwt!)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.verifyAccessToken(globexJwt!)).ok).toBe(true);
    const other = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
    for (const [jwt, ok] of [[acmeJwt!, false], [apiJwt!, false], [globexJwt!, true]] as const) expect((await other.verifyAccessToken(jwt)).ok).toBe(ok);
    // No epoch moved: a sign-in to the tenant right after works.
    expect((await sessions.validate((await sessions.create({ userId: 'alice', tenantId: 'acme' })).token)).ok).toBe(true);
  });

  it('reports one bulk event with the ended sessions and the tenant', async () => {
    const { sessions, inAcme } = await member();
    const events: unknown[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(event));
    await sessions.revokeAll('alice', { by: 'admin', tenantId: 'acme' });
    expect(events).toEqual([expect.objectContaining({ userId: 'alice', tenantId: 'acme', reason: 'admin', by: 'admin', sessionIds: [inAcme.session.id] })]);
  });

  it('without a tenant, and on a password reset labelled with one, ends every organization', async () => {
    for (const end of [
      (s: ReturnType<typeof createSessionManager>) => s.revokeAll('alice', { kinds: 'all' }),
      (s: ReturnType<typeof createSessionManager>) => s.passwordReset('alice', { tenantId: 'acme' }),
    ]) {
      const { sessions, inAcme, inGlobex, alone } = await member();
      await end(sessions);
      for (const { token } of [inAcme, inGlobex, alone]) expect((await sessions.validate(token)).ok).toBe(false);
    }
  });
});

// A user of two organizations signs in to each from the same browser: one session per device
// and the maxSessions cap hold within each organization, never across them.
describe('signing in to another organization from the same browser', () => {
  const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

  it("leaves the first organization's session signed in; a sign-in to the same organization replaces it", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const revoked: unknown[] = [];
    sessions.on('session.revoked', (event) => void revoked.push(event));
    const inAcme = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: CHROME });
    const inGlobex = await sessions.create({ userId: 'alice', tenantId: 'globex', userAgent: CHROME });
    expect((await sessions.validate(inAcme.token)).ok).toBe(true);
    expect(revoked).toEqual([]);
    const againInAcme = await sessions.create({ userId: 'alice', tenantId: 'acme', userAgent: CHROME });
    expect(await sessions.validate(inAcme.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(revoked).toEqual([expect.objectContaining({ tenantId: 'acme', reason: 'replaced', sessionIds: [inAcme.session.id] })]);
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect((await sessions.list('alice')).map((view) => [view.tenantId, view.deviceLabel]).sort()).toEqual([
      ['acme', 'Chrome on Mac OS'],
      ['globex', 'Chrome on Mac OS'],
    ]);
    expect((await sessions.validate(againInAcme.token)).ok).toBe(true);
  });

  it("counts maxSessions per organization: evicting within it, and refusing with that organization's sessions listed", async () => {
    let now = Date.now();
    const evicting = createSessionManager({ store: memoryStore(), clock: () => now, maxSessions: 1 });
    const inAcme = await evicting.create({ userId: 'alice', tenantId: 'acme', userAgent: CHROME });
    now += 1_000;
    const inGlobex = await evicting.create({ userId: 'alice', tenantId: 'globex', userAgent: FIREFOX });
    expect((await evicting.validate(inAcme.token)).ok).toBe(true);
    now += 1_000;
    await evicting.create({ userId: 'alice', tenantId: 'globex', userAgent: CHROME });
    expect(await evicting.validate(inGlobex.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await evicting.validate(inAcme.token)).ok).toBe(true);

    const refusing = createSessionManager({ store: memoryStore(), clock: () => now, maxSessions: 1, onMaxSessions: 'refuse' });
    const first = await refusing.create({ userId: 'alice', tenantId: 'acme', userAgent: CHROME });
    const second = await refusing.create({ userId: 'alice', tenantId: 'globex', userAgent: FIREFOX });
    const refused = await refusing.create({ userId: 'alice', tenantId: 'globex', userAgent: CHROME }).then(
      () => undefined,
      (error: { code?: string; sessions?: readonly { id: string }[] }) => error,
    );
    expect(refused?.code).toBe('SESSION_LIMIT');
    expect(refused?.sessions?.map((view) => view.id)).toEqual([second.session.id]);
    for (const { token } of [first, second]) expect((await refusing.validate(token)).ok).toBe(true);
  });
});
