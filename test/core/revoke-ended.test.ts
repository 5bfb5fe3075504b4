import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent } from '../../src/index.js';
import { HOUR, MINUTE, TestClock, UA } from '../support/clock.js';

// Revoking a session that has already ended ("sign out everywhere", its expiry, a sign-out) ends
// nothing: it answers false, and the user's activity and the events say nothing happened, as a
// stale "Log out" button on the security page or a sign-in presenting an old cookie would.

async function setup() {
  const clock = new TestClock();
  const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, kinds: { remember: { maxAge: HOUR } }, idleTimeout: 10 * MINUTE });
  const events: string[] = [];
  sessions.on('*', (event: SessionEvent) => void events.push(`${event.type}:${event.reason}`));
  const told = async () => ({ activity: (await sessions.activity('alice')).map((entry) => `${entry.type}:${entry.reason}`), events: events.splice(0) });
  return { clock, sessions, told };
}

describe('revoking a session that has already ended', () => {
  it('after "sign out everywhere": false, nothing written, no event', async () => {
    const { clock, sessions, told } = await setup();
    const old = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
    await sessions.revokeAll('alice');
    clock.advance(1_000);
    const before = await told();
    expect(await sessions.revoke(old.session.id, { userId: 'alice' })).toBe(false);
    expect(await sessions.revoke(old.session.id)).toBe(false);
    expect(await told()).toEqual({ activity: before.activity, events: [] });
  });

  it('past its expiry, not yet pruned: false, nothing written', async () => {
    const { clock, sessions, told } = await setup();
    const expired = await sessions.create({ userId: 'alice', kind: 'remember', userAgent: UA.safariMac });
    clock.advance(2 * HOUR);
    const before = await told();
    expect(await sessions.revoke(expired.session.id, { userId: 'alice' })).toBe(false);
    expect(await told()).toEqual({ activity: before.activity, events: [] });
  });

  it('a sign-in presenting the cookie of a session signed out everywhere writes no "signed out" for it', async () => {
    const { clock, sessions, told } = await setup();
    const old = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
    await sessions.revokeAll('alice');
    clock.advance(1_000);
    await told();
    await sessions.create({ userId: 'alice', userAgent: UA.chromeMac, previousToken: old.token });
    expect((await told()).events).toEqual(['session.created:sign_in']);
  });

  it('an idle one is still ended (its access tokens stop), and says so', async () => {
    const { clock, sessions, told } = await setup();
    const idle = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
    clock.advance(11 * MINUTE);
    await told();
    expect(await sessions.revoke(idle.session.id, { userId: 'alice' })).toBe(true);
    expect((await told()).events).toEqual(['session.revoked:revoked']);
  });
});
