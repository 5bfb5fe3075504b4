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

  it('that returns no finite time refuses the operation (INVALID_CONFIGURATION) and writes nothing', async () => {
    const store = memoryStore();
    let now = Date.now();
    const sessions = createSessionManager({ store, clock: () => now });
    const { session, token } = await sessions.create({ userId: 'u' });
    for (const broken of [Number.NaN, Number.POSITIVE_INFINITY]) {
      now = broken;
      await expect(sessions.revoke(session.id)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
      await expect(sessions.create({ userId: 'u' })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    }
    now = Date.now();
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await sessions.list('u')).toHaveLength(1);
  });
});
