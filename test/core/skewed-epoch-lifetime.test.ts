import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { DAY, HOUR, MINUTE, TestClock, UA } from '../support/clock.js';

// One server's clock ran a day ahead while the user pressed "sign out everywhere": later sign-ins
// on a server on time are created after that epoch, a day from now.
async function signInAfterSkewedSignOut(options = {}) {
  const store = memoryStore();
  const clock = new TestClock();
  const kinds = { browser: { idleTimeout: 30 * MINUTE }, shift: { maxAge: 8 * HOUR } };
  const ahead = createSessionManager({ store, clock: () => clock.now + DAY, kinds });
  const onTime = createSessionManager({ store, clock: clock.read, kinds, ...options });
  await ahead.create({ userId: 'alice' });
  await ahead.revokeAll('alice');
  clock.advance(HOUR);
  return { clock, onTime, ...(await onTime.create({ userId: 'alice' })) };
}

describe('a sign-in after an epoch raised by a clock ahead', () => {
  it('lives maxAge from now, not from the later createdAt', async () => {
    const { clock, onTime, session, token } = await signInAfterSkewedSignOut();
    expect(session.expiresAt - clock.now).toBe(30 * DAY);
    expect((await onTime.validate(token)).ok).toBe(true);
  });

  it('keeps the idle timeout: left alone six hours, it is idle', async () => {
    const { clock, onTime, token } = await signInAfterSkewedSignOut();
    clock.advance(6 * HOUR);
    expect(await onTime.validate(token)).toMatchObject({ ok: false, reason: 'idle' });
  });

  it('judges the sessions it counts or replaces on this clock: a kind living less than the skew keeps its cap and its device', async () => {
    const { onTime } = await signInAfterSkewedSignOut({ maxSessions: { shift: 1 } });
    const first = await onTime.create({ userId: 'alice', kind: 'shift', userAgent: UA.chromeMac });
    const second = await onTime.create({ userId: 'alice', kind: 'shift', userAgent: UA.firefoxWindows });
    expect([(await onTime.validate(first.token)).ok, (await onTime.validate(second.token)).ok]).toEqual([false, true]);
    const again = await onTime.create({ userId: 'alice', kind: 'shift', userAgent: UA.firefoxWindows });
    expect([(await onTime.validate(second.token)).ok, (await onTime.validate(again.token)).ok]).toEqual([false, true]);
  });
});
