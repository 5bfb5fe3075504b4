import { createHash } from 'node:crypto';
import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** What the manager's privacy tools get out of this store: a user's data, never a secret. */
export function describePrivacy({ runner, store }: StoreSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('privacy', () => {
    it('exportUser holds every session of the user, revoked ones too, and no token secret or hash', async () => {
      const sessions = createSessionManager({ store: store(), ipPolicy: 'truncate' });
      const user = freshUser();
      const kept = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.77', data: { plan: 'pro' } });
      const ended = await sessions.create({ userId: user, kind: 'api' });
      await sessions.revoke(ended.session.id);
      await sessions.create({ userId: freshUser('other') });
      const exported = await sessions.exportUser(user);
      expect(exported.sessions.map((session) => [session.id, session.status]).sort()).toEqual(
        [
          [kept.session.id, 'live'],
          [ended.session.id, 'revoked'],
        ].sort(),
      );
      const live = exported.sessions.find((session) => session.id === kept.session.id)!;
      expect(live).toMatchObject({ userId: user, browser: 'Chrome', ip: '203.0.113.0', data: { plan: 'pro' } });
      expect(Object.keys(exported.denied)).toEqual([ended.session.id]);
      const json = JSON.stringify(exported);
      for (const { token } of [kept, ended]) {
        const secret = token.split('.')[1]!;
        expect(json).not.toContain(secret);
        const hash = createHash('sha256').update(Buffer.from(secret, 'base64url')).digest();
        for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(json).not.toContain(hash.toString(encoding));
      }
    });
  });
}
