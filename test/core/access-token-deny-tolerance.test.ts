import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { HOUR, TestClock } from '../support/clock.js';

const secret = 'a-test-secret-of-at-least-32-bytes!!';

// One store, one secret and one maxTtl, as the docs ask, but not one clockTolerance: the API
// verifies with 60 s, the admin service that signs a device out with none.
describe('a deny-list entry written by an instance with a smaller clockTolerance', () => {
  it('outlives the token on an instance that tolerates more, prune or not', async () => {
    const store = memoryStore();
    const clock = new TestClock();
    const api = createSessionManager({ store, clock: clock.read, accessTokens: { secret, clockTolerance: 60_000 } });
    const admin = createSessionManager({ store, clock: clock.read, accessTokens: { secret, clockTolerance: 0 } });
    const { session } = await api.create({ userId: 'alice', kind: 'api' });
    const jwt = await api.issueAccessToken(session, { ttl: HOUR });
    expect(await admin.revoke(session.id)).toBe(true);
    expect(await api.verifyAccessToken(jwt)).toMatchObject({ ok: false, reason: 'revoked' });
    // Past the token's exp, within the API's tolerance.
    clock.advance(HOUR + 10_000);
    await api.prune();
    expect(await api.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });
});
