import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

describe('verifyAccessToken() answers claims that no caller can use to change a later verification', () => {
  it("a support token is refused once its admin signs out, though a handler tried to delete the claims' actor", async () => {
    const sessions = createSessionManager({ store: memoryStore(), accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    const jwt = await sessions.issueAccessToken(support.session);
    const first = await sessions.verifyAccessToken(jwt);
    if (!first.ok) throw new Error('the support token did not verify');
    // A handler tidying the claims it was given, before logging them.
    expect(() => delete (first.claims as { act?: unknown }).act).toThrow(TypeError);
    expect(() => Object.assign(first.claims.act!, { sub: 'ada' })).toThrow(TypeError);
    await sessions.signOut(admin.session);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });
});
