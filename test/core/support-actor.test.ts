import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';

// Every event and activity entry a support session causes names its impersonator in `by`,
// whichever manager method it came through and whatever the caller passed as the session.
describe('what a support session does is by its impersonator', () => {
  async function setup(globalLogout = false) {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, epochCacheTtl: 0, policy: { globalLogout } });
    const admin = await sessions.create({ userId: 'root', userAgent: UA.chromeMac });
    const own = await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    const support = await sessions.impersonate(admin.session, 'ada', { userAgent: UA.firefoxWindows });
    clock.advance(MINUTE);
    const since = clock.now;
    const events: SessionEvent[] = [];
    sessions.on('*', (event) => void events.push(event));
    // What the action caused: its events and the activity entries written from `since` on.
    const caused = async () => ({
      events: events.map((event) => [event.type, 'by' in event ? event.by : undefined]),
      activity: (await sessions.activity('ada')).filter((entry) => entry.at >= since).map((entry) => [entry.type, entry.by]),
    });
    return { clock, sessions, admin, own, support, caused };
  }

  it('signOut, given the session as validate() returns it or only its id and user', async () => {
    for (const shape of ['whole', 'pared'] as const) {
      const { sessions, support, caused } = await setup();
      const { id, userId, tenantId } = support.session;
      expect(await sessions.signOut(shape === 'whole' ? support.session : { id, userId, tenantId })).toEqual({ global: false });
      expect(await caused()).toEqual({ events: [['session.revoked', 'root']], activity: [['session.revoked', 'root']] });
    }
  });

  it('signOut under the global-logout policy ends the support session alone: the user\'s devices are not the admin\'s to sign out', async () => {
    for (const shape of ['whole', 'pared', 'pared, with by'] as const) {
      const { sessions, own, support, caused } = await setup(true);
      const { id, userId, tenantId } = support.session;
      const given = shape === 'whole' ? support.session : { id, userId, tenantId };
      expect(await sessions.signOut(given, shape === 'pared, with by' ? { by: 'root' } : {})).toEqual({ global: false });
      expect((await sessions.validate(support.token)).ok).toBe(false);
      expect((await sessions.validate(own.token)).ok).toBe(true);
      expect(await caused()).toEqual({ events: [['session.revoked', 'root']], activity: [['session.revoked', 'root']] });
    }
    // The user's own sign-out still follows the policy, whatever the object given says: the stored row decides.
    const { sessions, own, support } = await setup(true);
    const claimingSupport = { ...own.session, impersonatorId: 'root' };
    expect(await sessions.signOut(claimingSupport)).toEqual({ global: true });
    expect((await sessions.validate(support.token)).ok).toBe(false);
  });

  it('revokeOthers keeping the support session', async () => {
    const { sessions, own, support, caused } = await setup();
    expect((await sessions.revokeOthers('ada', support.session.id)).revokedIds).toEqual([own.session.id]);
    expect(await caused()).toEqual({ events: [['user.session_invalidated', 'root']], activity: [['user.session_invalidated', 'root']] });
  });

  it('passwordChanged and emailChanged made from the support session', async () => {
    for (const change of ['passwordChanged', 'emailChanged'] as const) {
      const { sessions, support, caused } = await setup();
      // The support session is not kept: no fresh token would say who acts.
      expect(await sessions[change]('ada', { currentSessionId: support.session.id })).toEqual({});
      expect(await caused()).toEqual({ events: [['user.session_invalidated', 'root']], activity: [['user.session_invalidated', 'root']] });
    }
  });

  it('a sign-in that presents the support token ends it by the impersonator', async () => {
    const { sessions, support, caused } = await setup();
    await sessions.create({ userId: 'root', userAgent: UA.firefoxWindows, previousToken: support.token });
    expect((await sessions.validate(support.token)).ok).toBe(false);
    expect((await caused()).events).toEqual([
      ['session.created', undefined],
      ['session.revoked', 'root'],
    ]);
    expect((await caused()).activity).toEqual([['session.revoked', 'root']]);
  });

  it('re-authentication and validation (with its touch) cause nothing without the impersonator', async () => {
    const { clock, sessions, support, caused } = await setup();
    expect(await sessions.reauthenticated(support.session.id)).toBeNull();
    clock.advance(10 * MINUTE);
    expect((await sessions.validate(support.token)).ok).toBe(true);
    expect(await caused()).toEqual({ events: [], activity: [] });
  });
  it('a support session that evicts another at its cap writes the eviction by its impersonator', async () => {
    const sessions = createSessionManager({ store: memoryStore(), maxSessions: { impersonation: 1 } });
    const first = await sessions.impersonate((await sessions.create({ userId: 'root' })).session, 'ada');
    const events: SessionEvent[] = [];
    sessions.on('session.revoked', (event) => void events.push(event));
    await sessions.impersonate((await sessions.create({ userId: 'alan' })).session, 'ada');
    const ended = (await sessions.activity('ada')).filter((entry) => entry.type === 'session.revoked').map((entry) => [entry.sessionId, entry.reason, entry.by]);
    expect(ended).toEqual([[first.session.id, 'session_limit', 'alan']]);
    expect(events.map((event) => [event.reason, 'by' in event ? event.by : undefined])).toEqual([['session_limit', 'alan']]);
  });

  it("names a support session as the user's list does in its activity and events, never by the admin's browser", async () => {
    const { sessions, support, caused } = await setup();
    const labels: Array<string | undefined> = [];
    sessions.on('session.revoked', (event) => void labels.push(event.deviceLabel));
    expect((await sessions.list('ada')).find((view) => view.id === support.session.id)?.deviceLabel).toBe('Support access by root');
    await sessions.revoke(support.session.id);
    expect((await caused()).activity).toEqual([['session.revoked', undefined]]);
    const ended = (await sessions.activity('ada')).find((entry) => entry.sessionId === support.session.id && entry.type === 'session.revoked');
    expect([ended?.deviceLabel, ...labels]).toEqual(['Support access by root', 'Support access by root']);
    const started = (await sessions.activity('ada')).find((entry) => entry.sessionId === support.session.id && entry.type === 'session.created');
    expect(started?.deviceLabel).toBe('Support access by root');
  });
});
