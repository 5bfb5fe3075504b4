import { describe, expect, it } from 'vitest';
import { createSessionHttp, fromFetchRequest, type ResponseTarget } from '../../src/http/index.js';
import { clientIp, isHttps, ownOrigin } from '../../src/http/proxy.js';
import { createSessionManager, memoryStore, type SessionCreatedEvent } from '../../src/index.js';
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

  it('given how many proxies append to X-Forwarded-For, takes the address that many from the right: what the client sent is left of it', () => {
    // The client sent "198.51.100.77"; the load balancer appended the peer it saw.
    const appended = fakeRequest({ remoteAddress: '10.0.0.2', headers: { host: 'app.example', 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.77, 203.0.113.66' } });
    expect(clientIp(appended, true)).toBe('198.51.100.77');
    expect(clientIp(appended, 1)).toBe('203.0.113.66');
    // Two that append (a CDN, then the load balancer): the CDN saw the client.
    expect(clientIp(fakeRequest({ headers: { 'x-forwarded-for': '198.51.100.77, 203.0.113.66 , 192.0.2.9' } }), 2)).toBe('203.0.113.66');
    // Fewer addresses than proxies, or none: the connection's peer.
    expect(clientIp(fakeRequest({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.66' } }), 2)).toBe('10.0.0.2');
    expect(clientIp(fakeRequest({ remoteAddress: '10.0.0.2' }), 1)).toBe('10.0.0.2');
    expect([isHttps(appended, 1), ownOrigin(appended, 1)]).toEqual([true, 'https://app.example']);
  });

  it('reads an address a proxy wrote with the client\'s port (as some cloud load balancers do) without the port', () => {
    expect(clientIp(fakeRequest({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7:51234, 10.0.0.1' } }), true)).toBe('203.0.113.7');
    expect(clientIp(fakeRequest({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '198.51.100.77, [2001:db8::1]:443' } }), 1)).toBe('2001:db8::1');
    // Not an address with a port: the connection's peer, as for any junk.
    expect(clientIp(fakeRequest({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '999.0.0.1:80' } }), true)).toBe('10.0.0.2');
  });

  it('keeps IPv6 addresses', () => {
    expect(clientIp(fakeRequest({ headers: { 'x-forwarded-for': '2001:db8::1' } }), true)).toBe('2001:db8::1');
    expect(ownOrigin(fakeRequest({ headers: { host: '[::1]:8080' } }), false)).toBe('http://[::1]:8080');
  });

  it("a Fetch request's URL host stands for a Host line only without one (HTTP/2); a trusted X-Forwarded-Host still comes first", () => {
    const fetched = (url: string, headers: Record<string, string>) => fromFetchRequest(new Request(url, { headers }));
    expect(ownOrigin(fetched('http://127.0.0.1:3000/x', {}), false)).toBe('http://127.0.0.1:3000');
    // Next.js builds the URL from its own host name (localhost): the Host line the browser sent decides.
    expect(ownOrigin(fetched('http://localhost:3000/x', { host: 'app.example' }), false)).toBe('http://app.example');
    expect(ownOrigin(fetched('http://127.0.0.1:3000/x', { 'x-forwarded-host': 'app.example', 'x-forwarded-proto': 'https' }), true)).toBe('https://app.example');
  });

  it('behind a load balancer that appends, trustProxy: 1 keeps the address and the new-device check out of the client\'s hands', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const created: SessionCreatedEvent[] = [];
    sessions.on('session.created', (event) => void created.push(event));
    const http = createSessionHttp(sessions, { trustProxy: 1 });
    const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };
    const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
    const signIn = async (forwardedFor: string) => (await http.attach(fakeRequest({ method: 'POST', url: '/login', remoteAddress: '10.0.0.1', headers: { 'user-agent': chrome, 'x-forwarded-for': forwardedFor } }), target)).signIn({ userId: 'u' });
    await signIn('198.51.100.4');
    // Another machine (203.0.113.66) naming the first one's network.
    await signIn('198.51.100.77, 203.0.113.66');
    expect(created.map((event) => [event.ip, event.newDevice])).toEqual([['198.51.100.4', true], ['203.0.113.66', true]]);
    await sessions.close();
  });
});
