import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { instrument } from '../support/counting-store.js';
import { TestClock } from '../support/clock.js';

describe('touching a session under a burst of requests', () => {
  it('a burst of validations of one session past the touch interval writes lastUsedAt once, not once per request', async () => {
    const clock = new TestClock();
    const store = instrument(memoryStore());
    const sessions = createSessionManager({ store, clock: clock.read });
    const { token } = await sessions.create({ userId: 'alice' });
    clock.advance(61_000);
    const results = await Promise.all(Array.from({ length: 100 }, () => sessions.validate(token)));
    expect(results.every((result) => result.ok && result.session.lastUsedAt === clock.now)).toBe(true);
    expect(store.calls.get('touch')).toBe(1);
    // The next interval writes again, once.
    clock.advance(61_000);
    await Promise.all(Array.from({ length: 100 }, () => sessions.validate(token)));
    expect(store.calls.get('touch')).toBe(2);
  });
});
