import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { createSessionHttp, errorResponse, requireSameOriginResponse, requireSessionResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the guards', () => {
  it('name themselves when the session middleware did not run before them', () => {
    const session = thrown(() => requireSessionResponse(undefined));
    expect(isSessionError(session) && session.code).toBe('INVALID_CONFIGURATION');
    expect((session as Error).message).toBe('requireSession() must be mounted after the session middleware.');
    const origin = thrown(() => requireSameOriginResponse(undefined));
    expect((origin as Error).message).toBe('requireSameOrigin() must be mounted after the session middleware.');
  });

  it('clear the cookie of a refused cookie session, and set no cookie for a refused bearer token', async () => {
    const sessions = createSessionManager();
    const http = createSessionHttp(sessions);
    const { token, session } = await sessions.create({ userId: 'alice' });
    await sessions.revoke(session.id);
    const byCookie = requireSessionResponse(await http.attach(fakeRequest({ headers: { cookie: `session=${token}` } }), target));
    expect(byCookie?.status).toBe(401);
    expect(byCookie?.setCookies).toHaveLength(1);
    expect(byCookie?.setCookies[0]).toMatch(/^session=; .*Max-Age=0/);
    const byBearer = requireSessionResponse(await http.attach(fakeRequest({ headers: { authorization: `Bearer ${token}` } }), target));
    expect(byBearer?.status).toBe(401);
    expect(byBearer?.setCookies).toEqual([]);
  });

  it('answer junk in the Cookie or Authorization header with 401 unauthenticated, and clear no cookie for a junk Bearer', async () => {
    const sessions = createSessionManager({ accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } });
    const http = createSessionHttp(sessions, { accessTokens: true });
    const { token } = await sessions.create({ userId: 'alice' });
    const refusal = async (headers: Record<string, string>) => requireSessionResponse(await http.attach(fakeRequest({ headers }), target));
    const forged = `${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const cookies = ['session=', `session=${'a'.repeat(8 * 1024)}`, 'session="', 'session=""', `session=${forged}`, `session=${forged.replace('.', '%2E')}`, '=session; ==; session==', ';'.repeat(2_000)];
    for (const cookie of cookies) expect((await refusal({ cookie }))?.body).toBe('{"error":"unauthenticated"}');
    const bearers = [
      'Bearer',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
      'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6InNlc3Npb24tYWNjZXNzK2p3dCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
      `Bearer ${'x'.repeat(8 * 1024)}`,
      'Bearer a.b.c.d.e',
    ];
    for (const authorization of bearers) {
      expect(await refusal({ authorization, cookie: `session=${token}` })).toMatchObject({ status: 401, body: '{"error":"unauthenticated"}', setCookies: [] });
    }
  });

  it('errorResponse reports an outage once, also when the middleware saw it as the cause of the error thrown later', async () => {
    const errors: unknown[] = [];
    const broken = new TypeError('driver bug');
    const real = createSessionManager();
    // A manager whose validation fails with a plain error: the request is "unavailable" and
    // an action later throws a SessionError caused by that same error.
    const manager = { ...real, validate: () => Promise.reject(broken) };
    const http = createSessionHttp(manager, { onError: (error) => errors.push(error) });
    const request = fakeRequest({ method: 'POST', headers: { cookie: `session=${'a'.repeat(22)}.${'b'.repeat(43)}` } });
    const requestSessions = await http.attach(request, target);
    expect(errors).toEqual([broken]);
    const error = await requestSessions.signOut().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect((error as { cause?: unknown }).cause).toBe(broken);
    expect(errorResponse(error, request, requestSessions)?.status).toBe(503);
    expect(errors).toEqual([broken]);
  });
});
