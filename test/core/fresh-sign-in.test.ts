import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';

// When the user last proved who they are: a sign-in and reauthenticated() are proof; using the
// session, or a password change's fresh token, are not.
describe('fresh sign-in', () => {
  it('sign-in is proof, reauthenticated() renews it, a password change does not, and a revoked session cannot be made fresh', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, freshAge: 10 * MINUTE });
    const signedInAt = clock.now;
    const { token, session } = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, persistent: false });
    expect([session.authenticatedAt, sessions.isFresh(session)]).toEqual([signedInAt, true]);
    clock.advance(10 * MINUTE);
    const later = await sessions.validate(token);
    expect([later.ok && sessions.isFresh(later.session), later.ok && later.session.authenticatedAt]).toEqual([false, signedInAt]);

    const events: string[] = [];
    sessions.on('session.reauthenticated', (event) => void events.push(`${event.sessionIds?.[0]} ${event.deviceLabel}`));
    expect((await sessions.reauthenticated(session.id))?.authenticatedAt).toBe(clock.now);
    expect(events).toEqual([`${session.id} Chrome on Mac OS`]);
    const renewed = await sessions.validate(token);
    expect([renewed.ok && renewed.session.authenticatedAt, renewed.ok && sessions.isFresh(renewed.session)]).toEqual([clock.now, true]);
    expect((await sessions.list('ada'))[0]!.authenticatedAt).toBe(clock.now);

    // The password change's new token carries the old proof and the cookie choice.
    const provedAt = clock.now;
    clock.advance(11 * MINUTE);
    const changed = await sessions.passwordChanged('ada', { currentSessionId: session.id });
    expect([changed.session!.authenticatedAt, changed.session!.persistent, sessions.isFresh(changed.session!)]).toEqual([provedAt, false, false]);
    expect(await sessions.reauthenticated(session.id)).toBeNull();
    expect(events).toHaveLength(1);
  });
});
