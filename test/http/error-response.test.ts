import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError } from '../../src/index.js';
import { switchableStore } from '../../src/testing/framework/failing-store.js';
import { createSessionHttp, errorResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };
const outage = () => new SessionError('STORE_UNAVAILABLE', 'The store is down.');

describe('errorResponse', () => {
  it('answers STORE_UNAVAILABLE with 503, Retry-After, no cookie, JSON for an API call', () => {
    expect(errorResponse(outage(), fakeRequest({ method: 'POST' }))).toEqual({
      status: 503,
      headers: { 'retry-after': '5', 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store', 'x-content-type-options': 'nosniff' },
      setCookies: [],
      body: '{"error":"unavailable"}',
    });
  });

  it('answers a page navigation or a form post with a short plain-text page', () => {
    for (const request of [
      fakeRequest({ headers: { accept: 'text/html' } }),
      fakeRequest({ method: 'POST', headers: { 'sec-fetch-mode': 'navigate', 'content-type': 'application/x-www-form-urlencoded' } }),
    ]) {
      const response = errorResponse(outage(), request);
      expect(response?.status).toBe(503);
      expect(response?.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response?.headers['cache-control']).toBe('no-store');
      expect(response?.setCookies).toEqual([]);
    }
  });

  it('answers STORE_ERROR (a store that failed otherwise) with the same 503, as the middleware does for validation', () => {
    expect(errorResponse(new SessionError('STORE_ERROR', 'The database is read-only.'), fakeRequest({ method: 'POST' }))?.status).toBe(503);
  });

  it("answers a manager closed while requests still arrive (a shutdown) with the 503 the middleware gives them: the app's own sign-in too", async () => {
    const sessions = createSessionManager();
    const http = createSessionHttp(sessions);
    await sessions.close();
    const request = fakeRequest({ method: 'POST' });
    const attached = await http.attach(request, target);
    const closed = await attached.signIn({ userId: 'late' }).then(() => undefined, (error: unknown) => error);
    expect([attached.status, (closed as SessionError).code, errorResponse(closed, request, attached)?.status]).toEqual(['anonymous', 'CLOSED', 503]);
  });

  it('leaves every other error to the app', () => {
    for (const error of [new Error('boom'), new SessionError('INVALID_INPUT', 'x'), new SessionError('UNAUTHENTICATED', 'x'), 'a string', undefined, null]) {
      expect(errorResponse(error, fakeRequest())).toBeUndefined();
    }
  });

  it("uses the middleware's retryAfter and hands the error to its onError", async () => {
    const errors: unknown[] = [];
    const http = createSessionHttp(createSessionManager(), { retryAfter: 30, onError: (error) => errors.push(error) });
    const request = fakeRequest({ method: 'POST' });
    const sessions = await http.attach(request, target);
    const error = outage();
    expect(errorResponse(error, request, sessions)?.headers['retry-after']).toBe('30');
    expect(errors).toEqual([error]);
  });

  it('does not report twice an outage the middleware already reported', async () => {
    const errors: unknown[] = [];
    const store = switchableStore(memoryStore());
    const manager = createSessionManager({ store });
    const { token } = await manager.create({ userId: 'alice' });
    const http = createSessionHttp(manager, { onError: (error) => errors.push(error) });
    store.failing = true;
    const request = fakeRequest({ method: 'POST', headers: { cookie: `session=${token}` } });
    const sessions = await http.attach(request, target);
    expect(errors).toHaveLength(1);
    const thrown = await sessions.signOut().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(errorResponse(thrown, request, sessions)?.status).toBe(503);
    expect(errors).toHaveLength(1);
    // signIn() calls the store itself: that failure is new, and reported.
    const signInError = await sessions.signIn({ userId: 'alice' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(errorResponse(signInError, request, sessions)?.status).toBe(503);
    expect(errors).toHaveLength(2);
    await manager.close();
  });
});
