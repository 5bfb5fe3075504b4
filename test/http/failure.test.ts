import { describe, expect, it } from 'vitest';
import { returnLocation } from '../../src/http/login-redirect.js';
import { unauthenticatedError, unauthenticatedResponse, unavailableResponse } from '../../src/http/response.js';
import { fakeRequest } from './fake-request.js';

const NAVIGATION = { accept: 'text/html' };
const LOGIN = { loginPath: '/login', trustProxy: false };

describe('the login redirect', () => {
  it.each([
    ['/dashboard?tab=2', '/login?next=/dashboard%3Ftab%3D2'],
    ['//evil.example/x', '/login?next=/'],
    ['/\\evil.example', '/login?next=/'],
    ['/%2F%2Fevil.example', '/login?next=/'],
    ['http://evil.example/account', '/login?next=/account'],
    ['*', '/login?next=/'],
  ])('for a request to %s goes to %s', (url, location) => {
    expect(returnLocation('/login', fakeRequest({ url, headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } }), false)).toBe(location);
  });

  it('appends next to a login path that has a query', () => {
    expect(returnLocation('/auth?app=1', fakeRequest({ url: '/x' }), false)).toBe('/auth?app=1&next=/x');
  });

  it.each([
    ['unauthenticated', '/login?next=/x'],
    ['session_revoked', '/login?next=/x&reason=session_revoked'],
    ['session_expired', '/login?next=/x&reason=session_expired'],
  ] as const)('for a %s request says why only when a session was ended: %s', (error, location) => {
    expect(returnLocation('/login', fakeRequest({ url: '/x' }), false, error === 'unauthenticated' ? undefined : error)).toBe(location);
  });

  it('gives the reason alone when there is no page to go back to', () => {
    expect(returnLocation('/auth?app=1', fakeRequest({ method: 'POST', url: '/x' }), false, 'session_revoked')).toBe('/auth?app=1&reason=session_revoked');
  });

  const formPost = (referer: string | undefined, extra: Record<string, string> = {}) =>
    fakeRequest({ method: 'POST', url: '/profile/password', headers: { host: 'app.example', ...(referer === undefined ? {} : { referer }), ...extra } });

  it.each([
    ['a same-origin page', 'http://app.example/profile?tab=security', '/login?next=/profile%3Ftab%3Dsecurity'],
    ['a same-origin page, fragment dropped', 'http://app.example/profile#password', '/login?next=/profile'],
    ['no Referer', undefined, '/login'],
    ['another site', 'https://evil.example/profile', '/login'],
    ['another scheme of this host', 'https://app.example/profile', '/login'],
    ['another port of this host', 'http://app.example:8080/profile', '/login'],
    ['a junk Referer', 'not a url', '/login'],
    ['a Referer that is only a path', '/profile', '/login'],
    ['a same-origin path that is not safe', 'http://app.example//evil.example', '/login'],
    ['a same-origin path encoding a second slash', 'http://app.example/%2F%2Fevil.example', '/login'],
  ])('for a form POST from %s goes to %s', (_name, referer, location) => {
    expect(returnLocation('/login', formPost(referer), false)).toBe(location);
  });

  it('for a form POST reads the origin behind a trusted proxy only, and never puts the host in the Location', () => {
    const request = formPost('https://public.example/profile', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' });
    expect(returnLocation('/login', request, true)).toBe('/login?next=/profile');
    expect(returnLocation('/login', request, false)).toBe('/login');
  });
});

describe('failure responses', () => {
  it('maps refusal reasons to the three public errors', () => {
    expect(unauthenticatedError('missing')).toBe('unauthenticated');
    expect(unauthenticatedError('malformed')).toBe('unauthenticated');
    expect(unauthenticatedError('not_found')).toBe('unauthenticated');
    expect(unauthenticatedError('invalid_signature')).toBe('unauthenticated');
    expect(unauthenticatedError('expired')).toBe('session_expired');
    expect(unauthenticatedError('idle')).toBe('session_expired');
    expect(unauthenticatedError('revoked')).toBe('session_revoked');
  });

  it('answers an API call with 401 JSON, not cached, clearing the dead cookie', () => {
    const clear = 'session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax';
    expect(unauthenticatedResponse(fakeRequest({ url: '/api' }), LOGIN, 'session_revoked', clear)).toEqual({
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store', 'x-content-type-options': 'nosniff' },
      setCookies: [clear],
      body: '{"error":"session_revoked"}',
    });
  });

  it('answers a page navigation with a relative 303, not cached', () => {
    const response = unauthenticatedResponse(fakeRequest({ url: '/a', headers: NAVIGATION }), LOGIN, 'unauthenticated', undefined);
    expect(response).toEqual({ status: 303, headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store', location: '/login?next=/a' }, setCookies: [], body: '' });
  });

  it('answers an HTML form POST with a relative 303 too, clearing the dead cookie', () => {
    const clear = 'session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax';
    const request = fakeRequest({
      method: 'POST',
      url: '/profile/password',
      headers: { host: 'app.example', 'sec-fetch-mode': 'navigate', referer: 'http://app.example/profile', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unauthenticatedResponse(request, LOGIN, 'session_revoked', clear)).toEqual({
      status: 303,
      headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store', location: '/login?next=/profile&reason=session_revoked' },
      setCookies: [clear],
      body: '',
    });
  });

  it('answers a fetch() POST with 401 JSON', () => {
    const request = fakeRequest({ method: 'POST', headers: { 'sec-fetch-mode': 'cors', accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unauthenticatedResponse(request, LOGIN, 'session_revoked', undefined).status).toBe(401);
  });

  it('answers an outage with 503, Retry-After and no cookie change', () => {
    for (const headers of [{}, NAVIGATION]) {
      const response = unavailableResponse(fakeRequest({ headers }), 5);
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.setCookies).toEqual([]);
    }
  });

  it('answers an outage on a form POST with a plain-text page, on an API call with JSON', () => {
    const form = unavailableResponse(fakeRequest({ method: 'POST', headers: { 'sec-fetch-mode': 'navigate' } }), 5);
    expect(form.headers['content-type']).toMatch(/^text\/plain/);
    const api = unavailableResponse(fakeRequest({ method: 'POST', headers: { 'content-type': 'application/json' } }), 5);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    expect(api.body).toBe('{"error":"unavailable"}');
  });
});
