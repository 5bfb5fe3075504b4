import { createHash } from 'node:crypto';
import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, freshUser, SECRET } from './fixtures.js';

/** What the manager's privacy tools get out of this store: a user's data, never a secret. */
export function describePrivacy({ describe, it, expect, store, raw }: StoreSuiteContext): void {
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
  });
}
