import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import { createSessionHttp, requireSessionResponse } from '../../src/http/index.js';
import type { SessionStore } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

// readUser(userId, tenantId, sessionId) must answer "only the user's row with this id (or none)" (store.ts). A store that drops the
// id from its WHERE clause but keeps a LIMIT, or binds the id to the wrong placeholder, answers another of the user's rows instead.
function wrongRowReadUser(): { store: SessionStore; wrong: { now: boolean } } {
  const inner = memoryStore();
  const wrong = { now: false };
  const store = intercepted(inner, (method, call, args) => {
    const [userId, tenantId, sessionId] = args as [string, string | undefined, string | null | undefined];
    if (method !== 'readUser' || !wrong.now || typeof sessionId !== 'string') return call();
    return inner.readUser(userId, tenantId).then((all) => ({ ...all, sessions: all.sessions.filter((row) => row.id !== sessionId).slice(0, 1) }));
  });
  return { store, wrong };
}

const codeOf = (error: unknown): string | undefined => (isSessionError(error) ? error.code : String(error));
const MINUTE = 60_000;

describe('readUser() answering another row than the one asked for', () => {
  it('a due rotation: validate is a store error, not "revoked"; over HTTP a 503 that keeps the cookie', async () => {
    let now = Date.now();
    const { store, wrong } = wrongRowReadUser();
    const sessions = createSessionManager({ store, clock: () => now, kinds: { remember: { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE } } });
    const laptop = await sessions.create({ userId: 'alice', kind: 'remember' });
    await sessions.create({ userId: 'alice', kind: 'remember' });
    now += 20 * MINUTE;
    wrong.now = true;
    expect(await sessions.validate(laptop.token).then((result) => (result.ok ? 'ok' : result.reason), codeOf)).toBe('STORE_ERROR');

    const headers = new Map<string, unknown>();
    const request = { method: 'GET', url: '/account', header: (name: string) => (name === 'cookie' ? `session=${laptop.token}` : name === 'host' ? 'app.test' : undefined) };
    const target = { setHeader: (name: string, value: unknown) => void headers.set(name.toLowerCase(), value), appendSetCookie: (value: string) => void headers.set('set-cookie', value) };
    const denied = requireSessionResponse(await createSessionHttp(sessions).attach(request as never, target as never));
    expect(denied?.status).toBe(503);
    // No cookie written on the request's target nor in the response: an outage never signs anyone out.
    expect([...headers.keys()]).not.toContain('set-cookie');
    expect(denied?.setCookies ?? []).toEqual([]);
    wrong.now = false;
    expect((await sessions.validate(laptop.token)).ok).toBe(true);
  });

  it('revoke(): a store error, never "false" (already ended) while the session stays live', async () => {
    const { store, wrong } = wrongRowReadUser();
    const sessions = createSessionManager({ store });
    const stolen = await sessions.create({ userId: 'alice', userAgent: 'phone' });
    await sessions.create({ userId: 'alice', userAgent: 'laptop' });
    wrong.now = true;
    const answer = await sessions.revoke(stolen.session.id).catch(codeOf);
    wrong.now = false;
    const stillLive = (await sessions.validate(stolen.token)).ok;
    // Either it was ended, or the caller was told the store failed: never "nothing to end" with the session still working.
    expect({ answer, stillLive }).toEqual({ answer: 'STORE_ERROR', stillLive: true });
  });

  it('reauthenticated(): a store error, not null (unknown or ended session)', async () => {
    const { store, wrong } = wrongRowReadUser();
    const sessions = createSessionManager({ store });
    const laptop = await sessions.create({ userId: 'alice', userAgent: 'laptop' });
    await sessions.create({ userId: 'alice', userAgent: 'phone' });
    wrong.now = true;
    expect(await sessions.reauthenticated(laptop.session.id).then((session) => session?.id ?? null, codeOf)).toBe('STORE_ERROR');
  });
});
