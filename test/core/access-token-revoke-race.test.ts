import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { HOUR, TestClock } from '../support/clock.js';

describe('issueAccessToken() racing a revoke() of its session', () => {
  it('a token minted from a read the revocation overtook is refused for its whole life, ttl = maxTtl', async () => {
    const clock = new TestClock();
    const inner = memoryStore();
    // The liveness read answers the row as read before the revocation, a minute late.
    let entered!: () => void;
    const reading = new Promise<void>((resolve) => (entered = resolve));
    let answer!: () => void;
    const late = new Promise<void>((resolve) => (answer = resolve));
    let held = false;
    const store: SessionStore = {
      ...inner,
      async get(id) {
        const found = await inner.get(id);
        if (held) {
          held = false;
          entered();
          await late;
        }
        return found;
      },
    };
    const sessions = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret: 'x'.repeat(40), ttl: HOUR, maxTtl: HOUR } });
    const { session } = await sessions.create({ userId: 'u1' });
    held = true;
    const minting = sessions.issueAccessToken(session);
    await reading;
    const revokedAt = clock.now;
    expect(await sessions.revoke(session.id)).toBe(true);
    clock.advance(60_000);
    answer();
    const jwt = await minting;
    // Past the revocation's deny entry (maxTtl and twice the clock tolerance), still before the token's own exp.
    clock.set(revokedAt + HOUR + 30_000);
    expect(await sessions.verifyAccessToken(jwt)).toMatchObject({ ok: false });
    await sessions.close();
  });
});
