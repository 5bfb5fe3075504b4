import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// A native app's User-Agent: no browser is found, so the session has no device to replace, and
// a sign-in from it again ends its old session only because it presents that token.
const APP = 'MyApp/3.2 CFNetwork/1494.0.7 Darwin/23.4.0';

describe('maxSessions and the token a sign-in presents', () => {
  it('evicts nobody for a device signing in again: its own old session is the one that ends', async () => {
    let now = Date.parse('2026-11-02T10:00:00Z');
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, touchInterval: 0, maxSessions: { browser: 3 } });
    const [laptop, tablet, phone] = [await sessions.create({ userId: 'u', userAgent: APP }), await sessions.create({ userId: 'u', userAgent: APP }), await sessions.create({ userId: 'u', userAgent: APP })];
    now += 60_000;
    // The phone, the device in use, is the most recently used: the laptop would be evicted first.
    await sessions.validate(phone.token);
    const again = await sessions.create({ userId: 'u', userAgent: APP, previousToken: phone.token });
    const live = async (token: string) => (await sessions.validate(token)).ok;
    expect([await live(laptop.token), await live(tablet.token), await live(phone.token), await live(again.token)]).toEqual([true, true, false, true]);
  });

  it('with onMaxSessions "refuse", lets that device sign in again at the cap; another device is still refused', async () => {
    const sessions = createSessionManager({ store: memoryStore(), maxSessions: { browser: 2 }, onMaxSessions: 'refuse' });
    const phone = await sessions.create({ userId: 'u', userAgent: APP });
    await sessions.create({ userId: 'u', userAgent: APP });
    const again = await sessions.create({ userId: 'u', userAgent: APP, previousToken: phone.token });
    expect((await sessions.validate(again.token)).ok).toBe(true);
    await expect(sessions.create({ userId: 'u', userAgent: APP })).rejects.toMatchObject({ code: 'SESSION_LIMIT' });
  });
});
