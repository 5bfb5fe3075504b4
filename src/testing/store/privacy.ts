import { createHash } from 'node:crypto';
import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { activityId } from '../../activity-id.js';
import { CHROME_MAC, freshUser, insert, SECRET, storedRow } from './fixtures.js';

/** What the manager's privacy tools get out of this store: a user's data, never a secret. */
export function describePrivacy({ describe, it, expect, store, raw, slowTimeout }: StoreSuiteContext): void {
  describe('privacy', () => {
    it('exportUser holds every session of the user, revoked ones too, and no token secret or hash', async () => {
      const sessions = createSessionManager({ store: raw(), ipPolicy: 'truncate' });
      const user = freshUser();
      const kept = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.77', data: { plan: 'pro' } });
      const ended = await sessions.create({ userId: user, kind: 'api' });
      await sessions.revoke(ended.session.id);
      await sessions.create({ userId: freshUser('other') });
      const exported = await sessions.exportUser(user);
      expect(exported.sessions.map((session) => [session.id, session.status]).sort()).toEqual([[kept.session.id, 'live'], [ended.session.id, 'revoked']].sort());
      const live = exported.sessions.find((session) => session.id === kept.session.id)!;
      expect([live.userId, live.browser, live.ip, live.data]).toEqual([user, 'Chrome', '203.0.113.0', { plan: 'pro' }]);
      expect(Object.keys(exported.denied)).toEqual([ended.session.id]);
      const json = JSON.stringify(exported);
      for (const { token } of [kept, ended]) {
        const secret = token.split('.')[1]!;
        expect(json).not.toContain(secret);
        // The library hashes the secret's text; in JSON a Buffer shows as its list of bytes, a Uint8Array as numbered ones.
        const hash = createHash('sha256').update(secret).digest();
        for (const form of [hash.toString('hex'), hash.toString('base64'), hash.toString('base64url'), [...hash].join(','), JSON.stringify(new Uint8Array(hash)).slice(1, -1)]) expect(json.includes(form)).toBe(false);
      }
    });

    it('eraseUser deletes every session and the deny-list, keeps the epochs, and every old token stays refused', async () => {
      const sessions = createSessionManager({ store: raw(), accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
      const user = freshUser();
      const other = freshUser('other');
      const live = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.77' });
      const api = await sessions.create({ userId: user, kind: 'api' });
      const jwt = await sessions.issueAccessToken(api.session);
      const revoked = await sessions.create({ userId: user, kind: 'remember' });
      await sessions.revoke(revoked.session.id);
      const bystander = await sessions.create({ userId: other, userAgent: CHROME_MAC });
      const events: string[] = [];
      sessions.on('user.session_invalidated', (event) => void events.push(`${event.userId} ${event.reason} ${event.by}`));
      expect(await sessions.eraseUser(user, { by: 'privacy-desk' })).toEqual({ deletedSessions: 3 });
      expect(events).toEqual([`${user} user_erased privacy-desk`]);
      // Nothing of the user is left but the epochs.
      const { sessions: rows, epochs } = await store().listByUser(user);
      expect(rows).toEqual([]);
      expect(Object.keys(epochs).sort()).toEqual(['api', 'browser', 'impersonation', 'remember']);
      expect(Object.keys((await store().getRevocationState(user)).denied)).toEqual([]);
      for (const { session } of [live, api, revoked]) expect(await store().get(session.id)).toBeNull();
      expect((await sessions.exportUser(user)).sessions).toEqual([]);
      // Every token of the user is refused; a sign-in afterwards works; other users are untouched.
      for (const { token } of [live, api, revoked]) expect((await sessions.validate(token)).ok).toBe(false);
      expect((await sessions.verifyAccessToken(jwt)).ok).toBe(false);
      expect((await sessions.validate((await sessions.create({ userId: user })).token)).ok).toBe(true);
      expect((await sessions.validate(bystander.token)).ok).toBe(true);
      expect(await store().eraseUser(freshUser('nobody'), Date.now())).toBe(0);
    });

    it('exportUser holds the latest sign-in time of each kind, which the store keeps through eraseUser', async () => {
      const sessions = createSessionManager({ store: raw() });
      const user = freshUser();
      const browser = await sessions.create({ userId: user, userAgent: CHROME_MAC });
      const api = await sessions.create({ userId: user, kind: 'api' });
      const signIns = { browser: browser.session.createdAt, api: api.session.createdAt };
      expect((await sessions.exportUser(user)).lastSignIns).toEqual(signIns);
      await sessions.eraseUser(user);
      expect({ ...(await raw().readUser(user)).highWater }).toEqual(signIns);
      expect((await sessions.exportUser(user)).lastSignIns).toEqual(signIns);
    });

    it('exportUser lists the known devices last seen first, the same on every store', async () => {
      let now = Date.now();
      const sessions = createSessionManager({ store: raw(), clock: () => now });
      const user = freshUser();
      for (const ip of ['203.0.113.9', '198.51.100.9', '192.0.2.9', '203.0.114.9']) {
        now += 1_000;
        await sessions.create({ userId: user, userAgent: CHROME_MAC, ip });
      }
      expect((await sessions.exportUser(user)).devices.map((device) => device.lastSeenAt)).toEqual([now, now - 1_000, now - 2_000, now - 3_000]);
    });

    it('erase deletes all of a user with 2,500 sessions and 2,500 activity entries', async () => {
      const user = freshUser('big-erase');
      const t = Date.now();
      for (let batch = 0; batch < 5; batch++) {
        const rows = Array.from({ length: 500 }, () => ({ type: 'insert' as const, session: storedRow(store(), user) }));
        const entries = Array.from({ length: 500 }, (_, index) => ({ type: 'activity' as const, entry: { id: activityId(t - 1_000 + batch * 500 + index), userId: user, type: 'session.created', at: t, reason: 'sign_in' } }));
        expect(await raw().apply({ owner: { userId: user }, writes: [...rows, ...entries, { type: 'device', deviceHash: `${batch}`.repeat(43), lastSeenAt: t }] })).toBe(true);
      }
      expect(await store().eraseUser(user, Date.now())).toBe(2_500);
      const state = await raw().readUser(user);
      expect([state.sessions.length, Object.keys(state.devices).length]).toEqual([0, 0]);
      if (raw().listActivity !== undefined) expect(await raw().listActivity!(user, { limit: 1_000 })).toEqual([]);
    }, slowTimeout);

    it('erasing a user erases nobody else: not the ids it begins, nor those its pattern characters would match', async () => {
      const base = freshUser('prefix');
      const others = [`${base}0`, `${base}:sessions`, `${base}-x`, `${base}?`, `${base}[0]`, `${base}%`, `${base}_`];
      const rows = new Map<string, string>();
      for (const userId of [base, `${base}*`, ...others]) rows.set(userId, (await insert(store(), userId)).id);
      await store().eraseUser(`${base}*`, Date.now());
      await store().eraseUser(base, Date.now());
      for (const userId of others) {
        expect([userId, (await store().listByUser(userId)).sessions.map((session) => session.id)]).toEqual([userId, [rows.get(userId)]]);
        expect(await store().get(rows.get(userId)!)).not.toBeNull();
      }
    });
  });
}
