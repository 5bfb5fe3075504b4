import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, freshUser, SECRET } from './fixtures.js';

/** A tenant admin removing a member: session by session, no epoch moves, so the user's other organizations stay signed in. */
export function describeTenantScopedRevokeAll({ describe, it, expect, raw, sibling }: StoreSuiteContext): void {
  describe('revokeAll of one user in one tenant', () => {
    it("ends that tenant's sessions and access tokens of the user, of the kinds asked, and nothing else", async () => {
      const sessions = createSessionManager({ store: raw(), accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
      const [user, acme, globex] = [freshUser(), freshUser('tenant'), freshUser('tenant')];
      const inAcme = await sessions.create({ userId: user, tenantId: acme, userAgent: CHROME_MAC });
      const apiInAcme = await sessions.create({ userId: user, tenantId: acme, kind: 'api' });
      const inGlobex = await sessions.create({ userId: user, tenantId: globex, kind: 'remember', userAgent: CHROME_MAC });
      const alone = await sessions.create({ userId: user, kind: 'remember' });
      const teammate = await sessions.create({ userId: freshUser('teammate'), tenantId: acme, userAgent: CHROME_MAC });
      const [acmeJwt, apiJwt, globexJwt, aloneJwt] = await Promise.all([inAcme, apiInAcme, inGlobex, alone].map(({ session }) => sessions.issueAccessToken(session)));
      for (const jwt of [acmeJwt, apiJwt, globexJwt, aloneJwt]) expect((await sessions.verifyAccessToken(jwt!)).ok).toBe(true);

      // The default kinds (as "sign out everywhere"): the tenant's API session stays.
      const first = await sessions.revokeAll(user, { by: 'admin', tenantId: acme });
      expect([first.epochs, first.revokedIds]).toEqual([{}, [inAcme.session.id]]);
      expect(await sessions.validate(inAcme.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await sessions.verifyAccessToken(acmeJwt!)).toEqual({ ok: false, reason: 'revoked' });
      expect((await sessions.validate(apiInAcme.token)).ok).toBe(true);

      const all = await sessions.revokeAll(user, { kinds: 'all', by: 'admin', tenantId: acme });
      expect([all.epochs, all.revokedIds]).toEqual([{}, [apiInAcme.session.id]]);
      expect(await sessions.validate(apiInAcme.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await sessions.verifyAccessToken(apiJwt!)).toEqual({ ok: false, reason: 'revoked' });
      for (const { token } of [inGlobex, alone, teammate]) expect((await sessions.validate(token)).ok).toBe(true);
      for (const jwt of [globexJwt, aloneJwt]) expect((await sessions.verifyAccessToken(jwt!)).ok).toBe(true);

      // Another instance, with nothing cached, reads the same from the store.
      const other = createSessionManager({ store: await sibling(), accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
      for (const [jwt, ok] of [[acmeJwt, false], [apiJwt, false], [globexJwt, true], [aloneJwt, true]] as const) expect((await other.verifyAccessToken(jwt!)).ok).toBe(ok);
      expect((await other.validate(inAcme.token)).ok).toBe(false);
      expect((await other.validate(inGlobex.token)).ok).toBe(true);
      // A sign-in to that tenant right after works.
      const again = await sessions.create({ userId: user, tenantId: acme, userAgent: CHROME_MAC });
      expect((await sessions.validate(again.token)).ok).toBe(true);
    });
  });
}
