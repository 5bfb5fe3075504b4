import { describe, expect, it } from 'vitest';
import { clientIp, isHttps, ownOrigin } from '../../src/http/proxy.js';
import { fakeRequest } from './fake-request.js';

describe('trustProxy', () => {
  const behindProxy = fakeRequest({
    remoteAddress: '10.0.0.2',
    headers: { host: 'internal:3000', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'app.example, internal', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
  });

  it('is off by default: proxy headers are ignored', () => {
    expect(isHttps(behindProxy, false)).toBe(false);
    expect(clientIp(behindProxy, false)).toBe('10.0.0.2');
    expect(ownOrigin(behindProxy, false)).toBe('http://internal:3000');
  });

  it('reads the left-most (client-facing) values when on', () => {
    expect(isHttps(behindProxy, true)).toBe(true);
    expect(clientIp(behindProxy, true)).toBe('203.0.113.7');
    expect(ownOrigin(behindProxy, true)).toBe('https://app.example');
  });

  it('falls back to the connection when the headers are missing or junk', () => {
    const tls = fakeRequest({ encrypted: true, remoteAddress: '::ffff:192.0.2.1', headers: { host: 'app.example', 'x-forwarded-for': 'not-an-ip' } });
    expect(isHttps(tls, true)).toBe(true);
    expect(clientIp(tls, true)).toBe('192.0.2.1');
    expect(ownOrigin(tls, true)).toBe('https://app.example');
  });

  it('believes X-Forwarded-Proto: http over TLS (the proxy knows the client side)', () => {
    expect(isHttps(fakeRequest({ encrypted: true, headers: { 'x-forwarded-proto': 'http' } }), true)).toBe(false);
  });

  it('keeps IPv6 addresses', () => {
    expect(clientIp(fakeRequest({ headers: { 'x-forwarded-for': '2001:db8::1' } }), true)).toBe('2001:db8::1');
    expect(ownOrigin(fakeRequest({ headers: { host: '[::1]:8080' } }), false)).toBe('http://[::1]:8080');
  });
});
