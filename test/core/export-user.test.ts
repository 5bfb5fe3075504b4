import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { createHash } from 'node:crypto';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';

describe('exportUser', () => {
  it('holds every session the store keeps for the user, with its state, and never a secret or its hash', async () => {
    let now = 1_700_000_000_000;
    const sessions = createSessionManager({ clock: () => now, accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } });
    const laptop = await sessions.create({ userId: 'ada', userAgent: CHROME, ip: '203.0.113.7', tenantId: 'acme', data: { plan: 'pro' } });
    now += 1_000;
    const desktop = await sessions.create({ userId: 'ada', userAgent: FIREFOX, persistent: false, federated: { iss: 'https://idp.example', sub: 'ada-at-idp', sid: 'idp-session-1' } });
    await sessions.create({ userId: 'grace', userAgent: CHROME });
    now += 1_000;
    await sessions.revoke(desktop.session.id);
    const exported = await sessions.exportUser('ada');
    expect(exported.userId).toBe('ada');
    expect(exported.exportedAt).toBe(now);
    expect(exported.sessions.map((session) => [session.id, session.status])).toEqual([
      [laptop.session.id, 'live'],
      [desktop.session.id, 'revoked'],
    ]);
    expect(exported.sessions[0]).toMatchObject({ browser: 'Chrome', os: 'Mac OS', ip: '203.0.113.7', tenantId: 'acme', data: { plan: 'pro' }, userAgent: CHROME });
    expect(exported.sessions[1]).toMatchObject({ revokedReason: 'revoked', persistent: false, federated: { iss: 'https://idp.example', sub: 'ada-at-idp', sid: 'idp-session-1' } });
    expect(exported.sessions[0]).not.toHaveProperty('federated');
    expect(Object.keys(exported.denied)).toEqual([desktop.session.id]);
    const json = JSON.stringify(exported);
    for (const { token } of [laptop, desktop]) {
      const secret = token.split('.')[1]!;
      expect(json).not.toContain(secret);
      const hash = createHash('sha256').update(Buffer.from(secret, 'base64url')).digest();
      for (const encoding of ['hex', 'base64', 'base64url', 'latin1'] as const) expect(json).not.toContain(hash.toString(encoding));
    }
    expect(json).not.toMatch(/secretHash|"hash"/);
    expect(JSON.parse(json)).toEqual(exported);

    await sessions.revokeAll('ada');
    const after = await sessions.exportUser('ada');
    expect(after.sessions.map((session) => session.status)).toEqual(['revoked', 'revoked']);
    expect(Object.keys(after.epochs).sort()).toEqual(['browser', 'impersonation', 'remember']);
  });

  it("says reused for a session ended because its rotated-out token came back, and leaves the rotation salt and hashes out", async () => {
    let now = 1_700_000_000_000;
    const sessions = createSessionManager({ clock: () => now, kinds: { remember: { rotateAfter: 60_000, rotationGrace: 1_000 } } });
    const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME });
    now += 60_000;
    const first = await sessions.validate(token);
    if (!first.ok || first.rotatedToken === undefined) throw new Error('expected a rotation');
    // A second rotation: the row keeps the first secret's hash among the retired ones.
    now += 60_000;
    const second = await sessions.validate(first.rotatedToken);
    expect(second).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
    expect(second.ok && Object.keys(second.session)).not.toContain('retiredSecretHashes');
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'reused' });
    const exported = await sessions.exportUser('ada');
    expect(exported.sessions.map((row) => [row.id, row.status, row.revokedReason])).toEqual([[session.id, 'reused', 'token_reused']]);
    const json = JSON.stringify(exported);
    expect(json).not.toMatch(/rotationSalt|previousSecretHash|retiredSecretHashes|secretHash/i);
    const retired = createHash('sha256').update(Buffer.from(token.split('.')[1]!, 'base64url')).digest();
    for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(json).not.toContain(retired.toString(encoding));
  });

  it("holds neither the user's revocation links nor the support sessions they opened for others, as docs/privacy.md says; the other user's export holds those", async () => {
    const sessions = createSessionManager();
    const admin = await sessions.create({ userId: 'ada', userAgent: CHROME });
    const link = (await sessions.issueRevocationLink(admin.session.id))!;
    await sessions.create({ userId: 'grace', userAgent: FIREFOX });
    const support = await sessions.impersonate(admin.session, 'grace');
    const json = JSON.stringify(await sessions.exportUser('ada'));
    for (const part of link.split('.')) expect(json).not.toContain(part);
    expect(json).not.toContain(support.session.id);
    const theirs = await sessions.exportUser('grace');
    expect(theirs.sessions.find((session) => session.id === support.session.id)).toMatchObject({ impersonatorId: 'ada' });
  });

  it('of an unknown user is empty; a bad id is refused', async () => {
    const sessions = createSessionManager();
    expect(await sessions.exportUser('nobody')).toMatchObject({ userId: 'nobody', sessions: [], epochs: {}, denied: {} });
    const error = await sessions.exportUser('' as string).catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('INVALID_INPUT');
  });
});
