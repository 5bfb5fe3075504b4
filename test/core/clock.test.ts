import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

describe('the clock option', () => {
  it('is read in whole milliseconds: a fractional clock makes sessions and access tokens as Date.now does', async () => {
    const base = Date.now();
    const sessions = createSessionManager({ store: memoryStore(), clock: () => base + 0.75, accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } });
    const { session } = await sessions.create({ userId: 'u' });
    expect(session.createdAt).toBe(base);
    const jwt = await sessions.issueAccessToken(session);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
  });
});
