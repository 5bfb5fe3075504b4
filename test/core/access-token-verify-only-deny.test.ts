import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { HOUR, TestClock } from '../support/clock.js';

// An instance configured without maxTtl cannot know the issuers': its revocations deny a session
// until the row's expiry, as an instance without accessTokens does, so the issuers' longer-lived
// tokens stay refused for their whole life. That holds for one holding the signing secret too.
describe('an instance without maxTtl revoking a session', () => {
  it("refuses the issuer's tokens for their whole life, whatever the issuer's maxTtl", async () => {
    const clock = new TestClock(1_700_000_000_000);
    const store = memoryStore();
    const pair = generateKeyPairSync('ed25519');
    const issuer = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey, ttl: 2 * HOUR } });
    const verifier = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { publicKey: pair.publicKey } });
    const { session } = await issuer.create({ userId: 'u' });
    const jwt = await issuer.issueAccessToken(session);
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    // "Log out that device", done on the verify-only service.
    expect(await verifier.revoke(session.id)).toBe(true);
    expect(await verifier.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    clock.advance(HOUR + 30_000);
    // Still well inside the token's own 2 h life.
    expect(await verifier.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    expect(await issuer.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("holding the HS256 secret, with the default maxTtl (1 h), refuses an issuer's day-long token for its whole life", async () => {
    const clock = new TestClock(1_700_000_000_000);
    const store = memoryStore();
    const secret = 'a-test-secret-of-at-least-32-bytes!!';
    const api = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret, maxTtl: 24 * HOUR } });
    const backOffice = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret } });
    const { session } = await api.create({ userId: 'u', kind: 'api' });
    const jwt = await api.issueAccessToken(session, { ttl: 24 * HOUR });
    expect(await backOffice.revoke(session.id)).toBe(true);
    clock.advance(2 * HOUR);
    expect(await api.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("told the issuers' maxTtl, its entries last that long and no longer", async () => {
    const clock = new TestClock(1_700_000_000_000);
    const store = memoryStore();
    const pair = generateKeyPairSync('ed25519');
    const issuer = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey, ttl: HOUR } });
    const verifier = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { publicKey: pair.publicKey, maxTtl: HOUR } });
    const { session } = await issuer.create({ userId: 'u' });
    expect(await verifier.revoke(session.id)).toBe(true);
    expect((await storeOperations(store).getRevocationState('u')).denied).toEqual({ [session.id]: 1_700_000_000_000 + HOUR + 2 * 60_000 });
  });
});
