import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';

const SECRET = 'access-token-state-test-secret-0123456789';

describe("access-token verification reads the user's revocation state with care", () => {
  it('an epoch that is not a number is a store error naming readUser, never a valid token', async () => {
    const inner = memoryStore();
    const sessions = createSessionManager({ store: inner, accessTokens: { secret: SECRET } });
    const { session } = await sessions.create({ userId: 'alice' });
    const jwt = await sessions.issueAccessToken(session);
    const damaged = createSessionManager({
      store: overriding(inner, { readUser: async (userId, tenantId, sessionId) => ({ ...(await inner.readUser(userId, tenantId, sessionId)), epochs: { browser: '9999999999999' as unknown as number } }) }),
      accessTokens: { secret: SECRET },
      epochCacheTtl: 0,
    });
    await expect(damaged.verifyAccessToken(jwt)).rejects.toMatchObject({
      code: 'STORE_ERROR',
      message: expect.stringContaining('answered readUser() with an epoch of kind "browser"'),
    });
  });
});
