import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, fromFetchRequest, requireSessionResponse } from '../../src/http/index.js';

describe('fromFetchRequest', () => {
  it('reads method, path and query, headers, and the client address passed in', () => {
    const request = new Request('https://app.example/account/security?tab=devices', {
      method: 'post',
      headers: { cookie: 'theme=dark; session=abc; other=1', 'user-agent': 'UA/1.0', 'x-custom': 'yes' },
    });
    const httpRequest = fromFetchRequest(request, { remoteAddress: '203.0.113.9' });
    expect(httpRequest.method).toBe('POST');
    expect(httpRequest.url).toBe('/account/security?tab=devices');
    expect(httpRequest.header('cookie')).toBe('theme=dark; session=abc; other=1');
    expect(httpRequest.header('user-agent')).toBe('UA/1.0');
    expect(httpRequest.header('X-Custom'.toLowerCase())).toBe('yes');
    expect(httpRequest.header('authorization')).toBeUndefined();
    expect(httpRequest.remoteAddress).toBe('203.0.113.9');
    expect(httpRequest.encrypted).toBe(true);
  });

  it('takes TLS from the URL scheme unless the runtime says otherwise', () => {
    expect(fromFetchRequest(new Request('http://127.0.0.1:3000/')).encrypted).toBe(false);
    expect(fromFetchRequest(new Request('http://127.0.0.1:3000/'), { encrypted: true }).encrypted).toBe(true);
    expect(fromFetchRequest(new Request('http://127.0.0.1:3000/')).remoteAddress).toBeUndefined();
  });

  it('drives the HTTP layer end to end: the session cookie among several is found and validated', async () => {
    const sessions = createSessionManager();
    const { token } = await sessions.create({ userId: 'u1' });
    const http = createSessionHttp(sessions);
    const headers = new Headers();
    const target = { setHeader: (name: string, value: string) => headers.set(name, value), appendSetCookie: (value: string) => headers.append('set-cookie', value) };
    const signedIn = await http.attach(
      fromFetchRequest(new Request('http://127.0.0.1/dashboard', { headers: { cookie: `a=1; session=${token}; b=2` } }), { remoteAddress: '127.0.0.1' }),
      target,
    );
    expect(signedIn.userId).toBe('u1');
    expect(requireSessionResponse(signedIn)).toBeUndefined();
    const anonymous = await http.attach(fromFetchRequest(new Request('http://127.0.0.1/dashboard', { headers: { accept: 'text/html' } })), target);
    expect(requireSessionResponse(anonymous)).toMatchObject({ status: 303, headers: { location: '/login?next=/dashboard' } });
  });
});
