import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, freshUser, insert, newRecord } from './fixtures.js';

/** `authenticatedAt` (when the user last proved who they are) and session-only cookies, kept by the store. */
export function describeFreshSignIn({ describe, it, expect, store, raw }: StoreSuiteContext): void {
  describe('re-authentication and session-only cookies', () => {
    it('keeps authenticatedAt as given and answers it from every read', async () => {
      const user = freshUser();
      const createdAt = Date.now();
      const { session } = await store().create(newRecord(store(), user, { createdAt, authenticatedAt: createdAt - 3_600_000 }), { replaceDevice: false });
      expect(session.authenticatedAt).toBe(createdAt - 3_600_000);
      expect((await store().get(session.id))!.session.authenticatedAt).toBe(createdAt - 3_600_000);
      expect((await store().listByUser(user)).sessions[0]!.authenticatedAt).toBe(createdAt - 3_600_000);
      const before = await store().revoke(session.id, { at: createdAt + 1, reason: 'revoked' });
      expect(before!.authenticatedAt).toBe(createdAt - 3_600_000);
    });

    it('reauthenticate moves authenticatedAt forward only, on live rows only', async () => {
      const user = freshUser();
      const session = await insert(store(), user);
      expect(await store().reauthenticate(session.id, session.createdAt + 5_000)).toBe(true);
      expect((await store().get(session.id))!.session.authenticatedAt).toBe(session.createdAt + 5_000);
      // An older time (a slower server's clock) never moves it back.
      expect(await store().reauthenticate(session.id, session.createdAt + 1_000)).toBe(true);
      expect((await store().get(session.id))!.session.authenticatedAt).toBe(session.createdAt + 5_000);
      // A touch is use, not proof: it leaves authenticatedAt alone, and reauthenticate leaves lastUsedAt alone.
      await store().touch(session.id, session.createdAt + 90_000);
      const read = (await store().get(session.id))!.session;
      expect([read.authenticatedAt, read.lastUsedAt]).toEqual([session.createdAt + 5_000, session.createdAt + 90_000]);
      await store().revoke(session.id, { at: session.createdAt + 100_000, reason: 'revoked' });
      expect(await store().reauthenticate(session.id, session.createdAt + 200_000)).toBe(false);
      expect((await store().get(session.id))!.session.authenticatedAt).toBe(session.createdAt + 5_000);
    });

    it('reauthenticate on a missing session creates nothing', async () => {
      const record = newRecord(store(), freshUser());
      expect(await store().reauthenticate(record.id, Date.now())).toBe(false);
      expect(await store().get(record.id)).toBeNull();
    });

    it('keeps a session-only cookie choice; the default is persistent', async () => {
      const user = freshUser();
      const forgetful = await insert(store(), user, { persistent: false });
      const remembered = await insert(store(), user);
      expect(forgetful.persistent).toBe(false);
      expect((await store().get(forgetful.id))!.session.persistent).toBe(false);
      expect((await store().get(remembered.id))!.session.persistent ?? true).toBe(true);
      // Re-authenticating keeps the choice.
      await store().reauthenticate(forgetful.id, forgetful.createdAt + 1_000);
      expect((await store().get(forgetful.id))!.session.persistent).toBe(false);
    });

    it('the manager: sign-in is proof, reauthenticated() renews it, a password change does not', async () => {
      let now = Date.now();
      const sessions = createSessionManager({ store: raw(), clock: () => now, freshAge: 600_000 });
      const user = freshUser();
      const signedInAt = now;
      const { token, session } = await sessions.create({ userId: user, userAgent: CHROME_MAC, persistent: false });
      expect(session.authenticatedAt).toBe(signedInAt);
      expect(sessions.isFresh(session)).toBe(true);
      now += 600_000;
      const later = await sessions.validate(token);
      expect([later.ok && sessions.isFresh(later.session), later.ok && sessions.isFresh(later.session, 600_001)]).toEqual([false, true]);

      const events: string[] = [];
      sessions.on('session.reauthenticated', (event) => void events.push(`${event.sessionIds?.[0]} ${event.deviceLabel}`));
      expect((await sessions.reauthenticated(session.id))?.authenticatedAt).toBe(now);
      expect(events).toEqual([`${session.id} Chrome on Mac OS`]);
      const renewed = await sessions.validate(token);
      expect([renewed.ok && renewed.session.authenticatedAt, renewed.ok && sessions.isFresh(renewed.session)]).toEqual([now, true]);
      // The list shows when each device last proved who it is.
      expect((await sessions.list(user))[0]!.authenticatedAt).toBe(now);

      // A password change hands this device a fresh token, not a fresh proof, and keeps its cookie choice.
      now += 700_000;
      const changed = await sessions.passwordChanged(user, { currentSessionId: session.id });
      expect([changed.session!.authenticatedAt, changed.session!.persistent]).toEqual([now - 700_000, false]);
      expect(sessions.isFresh(changed.session!)).toBe(false);
      // A revoked session cannot be made fresh.
      expect(await sessions.reauthenticated(session.id)).toBeNull();
      expect(events).toHaveLength(1);
    });
  });
}
