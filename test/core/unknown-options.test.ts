import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { createSessionHttp } from '../../src/http/index.js';
import { fakeRequest } from '../http/fake-request.js';

// A mistyped option in plain JavaScript (`tenant` for `tenantId`) was ignored: a session escaped its tenant's sign-out,
// a support session started in the wrong tenant, a tenant admin's sign-out reached every organization.
describe('a per-call option the method does not know', () => {
  const setUp = async () => {
    const sessions = createSessionManager({ store: memoryStore(), accessTokens: { secret: 'x'.repeat(32) } });
    const ada = await sessions.create({ userId: 'ada', tenantId: 'acme' });
    const other = await sessions.create({ userId: 'ada', tenantId: 'globex' });
    const admin = await sessions.create({ userId: 'root' });
    return { sessions, ada, other, admin };
  };
  type Fixture = Awaited<ReturnType<typeof setUp>>;
  const calls: Array<[string, string, (f: Fixture) => Promise<unknown>]> = [
    ['create()', 'tenant', ({ sessions }) => sessions.create({ userId: 'ada', tenant: 'acme' } as never)],
    ['reauthenticated()', 'actor', ({ sessions, ada }) => sessions.reauthenticated(ada.session.id, { actor: 'x' } as never)],
    ['revoke()', 'tenant', ({ sessions, ada }) => sessions.revoke(ada.session.id, { tenant: 'globex' } as never)],
    ['revokeAll()', 'tenant', ({ sessions }) => sessions.revokeAll('ada', { tenant: 'acme' } as never)],
    ['revokeUsers()', 'tenant', ({ sessions }) => sessions.revokeUsers(['ada'], { tenant: 'acme' } as never)],
    ['revokeOthers()', 'tenant', ({ sessions, ada }) => sessions.revokeOthers('ada', ada.session.id, { tenant: 'acme' } as never)],
    ['revokeTenant()', 'kind', ({ sessions }) => sessions.revokeTenant('acme', { kind: ['browser'] } as never)],
    ['signOut()', 'thisDevice', ({ sessions, ada }) => sessions.signOut(ada.session, { thisDevice: true } as never)],
    ['passwordChanged()', 'currentSession', ({ sessions, ada }) => sessions.passwordChanged('ada', { currentSession: ada.session.id } as never)],
    ['passwordReset()', 'tenant', ({ sessions }) => sessions.passwordReset('ada', { tenant: 'acme' } as never)],
    ['emailChanged()', 'current', ({ sessions, ada }) => sessions.emailChanged('ada', { current: ada.session.id } as never)],
    ['list()', 'kind', ({ sessions }) => sessions.list('ada', { kind: ['browser'] } as never)],
    ['prune()', 'max', ({ sessions }) => sessions.prune({ max: 10 } as never)],
    ['issueAccessToken()', 'expiresIn', ({ sessions, ada }) => sessions.issueAccessToken(ada.session, { expiresIn: 60 } as never)],
    ['impersonate()', 'tenant', ({ sessions, admin }) => sessions.impersonate(admin.session, 'ada', { tenant: 'globex' } as never)],
    ['activity()', 'tenant', ({ sessions }) => sessions.activity('ada', { tenant: 'acme' } as never)],
    ['issueRevocationLink()', 'expiresIn', ({ sessions, ada }) => sessions.issueRevocationLink(ada.session.id, { expiresIn: 60 } as never)],
    ['redeemRevocationLink()', 'all', ({ sessions }) => sessions.redeemRevocationLink('x', { all: true } as never)],
    ['eraseUser()', 'tenant', ({ sessions }) => sessions.eraseUser('ada', { tenant: 'acme' } as never)],
  ];

  it.each(calls)('%s { %s } is refused with INVALID_INPUT naming the key, and changes nothing', async (what, key, call) => {
    const fixture = await setUp();
    const { sessions, ada, other, admin } = fixture;
    const error = await call(fixture).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(new RegExp(`^${what.replace(/[()]/g, '\\$&')} options: unknown option "${key}"\\. Known options: \\w`));
    await expectUnchanged(sessions, [ada.token, other.token, admin.token]);
    await sessions.close();
  });

  it('options that are no plain object are refused: their keys (entries of a Map, inherited ones) would go unchecked', async () => {
    const { sessions, ada, other, admin } = await setUp();
    const inherited = Object.assign(Object.create({ tenant: 'acme' }) as object, { userId: 'ada' });
    class Login {
      constructor(readonly userId: string) {}
      get tenantId(): string {
        return 'acme';
      }
    }
    for (const call of [() => sessions.revokeAll('ada', new Map([['tenantId', 'acme']]) as never), () => sessions.create(inherited as never), () => sessions.create(new Login('ada'))]) {
      await expect(call()).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^(revokeAll|create)\(\) options must be a plain object\.$/) });
    }
    await expectUnchanged(sessions, [ada.token, other.token, admin.token]);
  });

  it('a call whose options are all known still works, and undefined still reads as no options', async () => {
    const { sessions, ada, other } = await setUp();
    expect(await sessions.revokeAll('ada', { tenantId: 'acme', by: 'admin' })).toMatchObject({ revokedIds: [ada.session.id] });
    expect((await sessions.validate(other.token)).ok).toBe(true);
    expect(await sessions.list('ada', undefined)).toHaveLength(1);
    await expect(sessions.revoke(other.session.id, null as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'revoke() options must be a plain object.' });
    await sessions.close();
  });
});

async function expectUnchanged(sessions: SessionManager, tokens: readonly string[]): Promise<void> {
  for (const token of tokens) expect((await sessions.validate(token)).ok).toBe(true);
  expect((await sessions.list('ada')).map((view) => view.tenantId).sort()).toEqual(['acme', 'globex']);
  expect(await sessions.list('root')).toHaveLength(1);
}

describe("an option req.sessions' methods do not know", () => {
  const attach = async (sessions: SessionManager, cookie?: string) => {
    const target = { cookies: [] as string[], setHeader: () => undefined, appendSetCookie: (value: string) => void target.cookies.push(value) };
    return { target, requestSessions: await createSessionHttp(sessions).attach(fakeRequest({ method: 'POST', headers: cookie === undefined ? {} : { cookie } }), target) };
  };

  it('signIn({ tenant }) is refused: no session is created in no tenant, and no cookie is set', async () => {
    const sessions = createSessionManager();
    const { target, requestSessions } = await attach(sessions);
    await expect(requestSessions.signIn({ userId: 'ada', tenant: 'acme' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^signIn\(\) options: unknown option "tenant"/) });
    expect(await sessions.list('ada')).toEqual([]);
    expect(target.cookies).toEqual([]);
    expect((await requestSessions.signIn({ userId: 'ada', tenantId: 'acme', data: { plan: 'pro' } })).session).toMatchObject({ tenantId: 'acme', data: { plan: 'pro' } });
  });

  it('signOut({ thisDevice }) and list({ kind }) are refused before anything ends or is read', async () => {
    const sessions = createSessionManager({ policy: { globalLogout: true } });
    const here = await sessions.create({ userId: 'ada' });
    const there = await sessions.create({ userId: 'ada' });
    const { target, requestSessions } = await attach(sessions, `session=${here.token}`);
    await expect(requestSessions.signOut({ thisDevice: true } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(requestSessions.list({ kind: ['api'] } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    for (const token of [here.token, there.token]) expect((await sessions.validate(token)).ok).toBe(true);
    expect(target.cookies).toEqual([]);
    expect(await requestSessions.list({ locale: 'en' })).toHaveLength(2);
    expect(await requestSessions.signOut({ thisDeviceOnly: true })).toEqual({ global: false });
    expect((await sessions.validate(there.token)).ok).toBe(true);
  });
});
