import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from '../../src/http/index.js';
import { isCrossSiteWrite } from '../../src/http/cross-site.js';
import { fakeRequest } from './fake-request.js';

const post = (headers: Record<string, string>, encrypted = false) => fakeRequest({ method: 'POST', headers: { host: 'app.example', ...headers }, encrypted });

describe('cross-site check', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: cross-site with a matching Origin', { 'sec-fetch-site': 'Cross-Site', origin: 'http://app.example' }],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a sibling subdomain', { origin: 'http://evil.app.example', 'sec-fetch-site': 'same-site' }],
    ['another scheme', { origin: 'https://app.example' }],
    ['another port', { origin: 'http://app.example:8080' }],
    ['Origin: null', { origin: 'null' }],
    ['an empty Origin', { origin: '' }],
    ['a junk Origin', { origin: 'not a url' }],
  ])('refuses %s', (_name, headers) => {
    expect(isCrossSiteRequest(post(headers))).toBe(true);
  });

  it.each([
    ['the same origin', { origin: 'http://app.example', 'sec-fetch-site': 'same-origin' }],
    ['the same origin, explicit default port', { origin: 'http://app.example:80' }],
    ['the same origin, other case', { origin: 'HTTP://APP.EXAMPLE' }],
    ['no Origin and no Sec-Fetch-Site (curl, a server)', {}],
    ['Sec-Fetch-Site: none (typed in the address bar)', { 'sec-fetch-site': 'none' }],
    // A form on a page with `Referrer-Policy: no-referrer` (helmet's default): the browser
    // sends `Origin: null` for its own site's POST, and Sec-Fetch-Site says what it is.
    ['a same-origin form under Referrer-Policy: no-referrer', { origin: 'null', 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: same-origin behind a proxy that changes the scheme', { origin: 'https://app.example', 'sec-fetch-site': 'same-origin' }],
  ])('lets %s through', (_name, headers) => {
    expect(isCrossSiteRequest(post(headers))).toBe(false);
  });

  it('refuses an Origin when the request has no usable Host', () => {
    expect(isCrossSiteRequest(fakeRequest({ method: 'POST', headers: { origin: 'http://app.example' } }))).toBe(true);
    expect(isCrossSiteRequest(fakeRequest({ method: 'POST', headers: { origin: 'http://app.example', host: 'app.example/x' } }))).toBe(true);
  });

  it('compares with the HTTPS origin on a TLS connection', () => {
    expect(isCrossSiteRequest(post({ origin: 'https://app.example' }, true))).toBe(false);
    expect(isCrossSiteRequest(post({ origin: 'http://app.example' }, true))).toBe(true);
  });

  it('does not trust X-Forwarded-* unless asked to', () => {
    const request = post({ origin: 'https://public.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' });
    expect(isCrossSiteRequest(request)).toBe(true);
    expect(isCrossSiteRequest(post({ origin: 'http://app.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }))).toBe(false);
  });

  it('falls back to Origin when Sec-Fetch-Site is empty', () => {
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': '', origin: 'http://app.example' }))).toBe(false);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': '  ', origin: 'http://app.example' }))).toBe(false);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': '', origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': '' }))).toBe(false);
  });

  it('reads Sec-Fetch-Site with surrounding spaces and in any case', () => {
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': ' same-origin ', origin: 'https://evil.example' }))).toBe(false);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': 'NONE' }))).toBe(false);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': ' same-site ' }))).toBe(true);
  });

  it('refuses Origin values that are no origin at all', () => {
    for (const origin of ['null', ' null ', '', '   ', 'file:///etc/passwd', 'data:text/html,x', 'app.example']) {
      expect(isCrossSiteRequest(post({ origin }))).toBe(true);
    }
  });

  it('reads X-Forwarded-Proto and X-Forwarded-Host only with trustProxy', () => {
    const request = post({ origin: 'https://public.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' });
    expect(isCrossSiteRequest(request, true)).toBe(false);
    expect(isCrossSiteRequest(request, false)).toBe(true);
  });
});

describe('cross-site write', () => {
  const fromEvil = (method: string) => fakeRequest({ method, headers: { host: 'app.example', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });

  it('lets a safe method from another site through: a link may GET, HEAD, OPTIONS or TRACE', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) expect(isCrossSiteWrite(fromEvil(method))).toBe(false);
  });

  it('refuses every other method from another site, a method of its own too', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PURGE']) expect(isCrossSiteWrite(fromEvil(method))).toBe(true);
  });

  it('lets a write from the same site through', () => {
    expect(isCrossSiteWrite(post({ origin: 'http://app.example', 'sec-fetch-site': 'same-origin' }))).toBe(false);
  });

  it('passes trustProxy on to the origin check', () => {
    const request = post({ origin: 'https://public.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' });
    expect(isCrossSiteWrite(request, true)).toBe(false);
    expect(isCrossSiteWrite(request)).toBe(true);
  });
});
