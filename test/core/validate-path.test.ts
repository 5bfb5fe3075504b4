import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';
import { instrument } from '../support/counting-store.js';
import { TestClock } from '../support/clock.js';

describe('the validation path', () => {
  it('a well-shaped token the store does not know is not_found', async () => {
    const sessions = createSessionManager();
    await expect(sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).resolves.toEqual({ ok: false, reason: 'not_found' });
    // A store that answers only through get() (a wrapper, any other store) says the same.
    const wrapped = createSessionManager({ store: instrument(memoryStore()) });
    await expect(wrapped.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).resolves.toEqual({ ok: false, reason: 'not_found' });
  });

  it('touches only once the clock has moved past the last use, even with a touch interval of 0', async () => {
    const clock = new TestClock();
    const store = instrument(memoryStore());
    const sessions = createSessionManager({ store, clock: clock.read, touchInterval: 0 });
    const { token } = await sessions.create({ userId: 'alice' });
    await sessions.validate(token);
    expect(store.calls.get('touch') ?? 0).toBe(0);
    clock.advance(1);
    const result = await sessions.validate(token);
    expect(store.calls.get('touch')).toBe(1);
    expect(result.ok && result.session.lastUsedAt).toBe(clock.now);
  });

  it('on the memory store too, a validation past the touch interval touches and answers the new last use', async () => {
    const clock = new TestClock();
    const store = memoryStore();
    const sessions = createSessionManager({ store, clock: clock.read, touchInterval: 60_000 });
    const { token, session } = await sessions.create({ userId: 'alice' });
    clock.advance(60_000);
    const result = await sessions.validate(token);
    expect(result).toMatchObject({ ok: true, session: { id: session.id, lastUsedAt: clock.now } });
    expect((await store.get(session.id))!.session.lastUsedAt).toBe(clock.now);
  });

  it('an idle timeout no longer than the touch interval: a user making a request every 10 s stays signed in, touched every half idle timeout', async () => {
    const clock = new TestClock();
    const store = instrument(memoryStore());
    const sessions = createSessionManager({ store, clock: clock.read, idleTimeout: 60_000 });
    const { token } = await sessions.create({ userId: 'alice' });
    for (let request = 1; request <= 12; request++) {
      clock.advance(10_000);
      expect((await sessions.validate(token)).ok).toBe(true);
    }
    expect(store.calls.get('touch')).toBe(4);
    clock.advance(60_000);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'idle' });
  });

  it("a memory store closed under the manager fails the validation with the store's own error", async () => {
    const store = memoryStore();
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'alice' });
    await store.close!();
    await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'CLOSED', message: 'The memory store was closed.' });
  });

  it('names the store call that ran out of time', async () => {
    const inner = memoryStore();
    const { token } = await createSessionManager({ store: inner }).create({ userId: 'alice' });
    const never = () => new Promise<never>(() => undefined);
    const hangingGet = createSessionManager({ store: overriding(inner, { get: never }), storeTimeout: 20 });
    await expect(hangingGet.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('did not answer get() within 20 ms') });
    const clock = new TestClock();
    const hangingTouch = createSessionManager({ store: overriding(inner, { touch: never }), storeTimeout: 20, clock: clock.read });
    clock.advance(120_000);
    await expect(hangingTouch.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('did not answer touch() within 20 ms') });
  });

  it('says which answer was malformed', async () => {
    const inner = memoryStore();
    const { token } = await createSessionManager({ store: inner }).create({ userId: 'alice' });
    const damaged = overriding(inner, {
      get: async (sessionId) => {
        const found = await inner.get(sessionId);
        return found === null ? null : { ...found, epochs: { browser: Number.NaN } };
      },
    });
    await expect(createSessionManager({ store: damaged }).validate(token)).rejects.toMatchObject({
      code: 'STORE_ERROR',
      message: 'The session store answered get() with an epoch of kind "browser" that is not a finite number; it is not taken for a session.',
    });
  });
});
