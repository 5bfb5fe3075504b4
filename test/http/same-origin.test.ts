import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { createSessionHttp, requireSameOriginResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };

async function sessionsFor(method: string, headers: Record<string, string>, trustProxy = false) {
  const http = createSessionHttp(createSessionManager(), { trustProxy });
  return http.attach(fakeRequest({ method, headers: { host: 'app.example', ...headers } }), target);
}

describe('requireSameOriginResponse', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a cross-site %s with 403 JSON, never cached', async (method) => {
    const attacks: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
    for (const headers of attacks) {
      const response = requireSameOriginResponse(await sessionsFor(method, headers));
      expect(response).toEqual({
        status: 403,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store', 'x-content-type-options': 'nosniff' },
        setCookies: [],
        body: '{"error":"cross_site_request"}',
      });
    }
  });

  it.each(['GET', 'HEAD', 'OPTIONS', 'TRACE'])('lets a %s from another site through: a link changes nothing', async (method) => {
    expect(requireSameOriginResponse(await sessionsFor(method, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))).toBeUndefined();
  });

  it('lets same-origin requests and requests without Origin or Sec-Fetch-Site through', async () => {
    expect(requireSameOriginResponse(await sessionsFor('POST', { origin: 'http://app.example', 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(requireSameOriginResponse(await sessionsFor('POST', {}))).toBeUndefined();
  });

  it("follows the middleware's trustProxy", async () => {
    const proxied = { origin: 'https://public.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' };
    expect(requireSameOriginResponse(await sessionsFor('POST', proxied, true))).toBeUndefined();
    expect(requireSameOriginResponse(await sessionsFor('POST', proxied, false))?.status).toBe(403);
  });

  it('throws INVALID_CONFIGURATION without the session middleware', () => {
    let thrown: unknown;
    try {
      requireSameOriginResponse(undefined);
    } catch (error) {
      thrown = error;
    }
    expect(isSessionError(thrown) && thrown.code).toBe('INVALID_CONFIGURATION');
    expect((thrown as Error).message).toBe('requireSameOrigin() must be mounted after the session middleware.');
  });
});
