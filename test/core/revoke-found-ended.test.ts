import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { apart } from '../../src/testing/store/fixtures.js';

const secret = 'a-test-secret-of-at-least-32-bytes!!';

// Instance A hears no notices (its store's connection for them is down): only its own calls drop its cached revocation state.
describe('revoke() of a session another instance already ended', () => {
  it('answers false, and drops its cached revocation state: the session\'s access tokens are refused on this instance at once', async () => {
    const store = memoryStore();
    const a = createSessionManager({ store: { ...apart(store), subscribe: undefined }, accessTokens: { secret }, epochCacheTtl: 60_000 });
    const b = createSessionManager({ store, accessTokens: { secret } });
    const { session } = await a.create({ userId: 'u' });
    const jwt = await a.issueAccessToken(session);
    expect((await a.verifyAccessToken(jwt)).ok).toBe(true);
    await b.revokeAll('u');
    expect(await a.revoke(session.id)).toBe(false);
    expect(await a.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });
});
