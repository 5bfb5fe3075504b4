import { createServer } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import type { GlobalTokenRevocationOptions } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { listen } from '../frameworks/listen.js';

// What an app configuring Universal Logout sees: its options checked at startup, the audience
// it registered with the provider, and its own resolveSubject failing.

const PATH = '/sessions/global-token-revocation';

let idp: TestIssuer;
let sessions: SessionManager;
let app: FrameworkApp | undefined;
beforeEach(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await sessions.close();
  await idp.close();
});

async function serve(options: GlobalTokenRevocationOptions, onError?: (error: unknown) => void): Promise<string> {
  const server = express();
  server.use(sessionMiddleware(sessions, { onError }));
  server.use(sessionRoutes(sessions, { globalTokenRevocation: options }));
  app = await listen(createServer(server));
  return app.url;
}

const post = (url: string, bearer: string, email = 'alice@example.com') =>
  fetch(`${url}${PATH}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ sub_id: { format: 'email', email } }) });

const ENDPOINT = 'https://app.example.com/sessions/global-token-revocation';

describe('globalTokenRevocation', () => {
  it('refuses options that would let the wrong party sign users out, at startup', () => {
    const resolveSubject = () => undefined;
    for (const options of [
      { issuers: [{ issuer: 'http://idp.example.com' }], resolveSubject },
      { issuers: [{ issuer: 'https://idp.example.com', jwksUri: 'http://idp.example.com/keys' }], resolveSubject },
      { issuers: [], resolveSubject },
      { issuers: [{ issuer: 'https://idp.example.com' }] },
      { issuers: [{ issuer: 'https://idp.example.com' }, { issuer: 'https://idp.example.com', audience: 'https://app.example/x' }], resolveSubject },
      { issuers: [{ issuer: 'https://idp.example.com', clientId: 'app' }], resolveSubject },
      { issuers: [{ issuer: 'https://idp.example.com' }], resolveSubject, maxTokenAge: 60_000 },
    ]) {
      expect(() => sessionRoutes(sessions, { globalTokenRevocation: options as unknown as GlobalTokenRevocationOptions })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    }
  });

  it("refuses an issuer that no store keeps as a revocation's `by`: longer than an id, with a control character or an unpaired surrogate", () => {
    const resolveSubject = () => undefined;
    for (const issuer of [`https://idp.example.com/${'a'.repeat(240)}`, 'https://idp.example.com/\u0000a', 'https://idp.example.com/a\u0007', 'https://idp.example.com/\udc00']) {
      expect(() => sessionRoutes(sessions, { globalTokenRevocation: { issuers: [{ issuer, audience: ENDPOINT }], resolveSubject } })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('issuer must be at most 256 characters, without control characters or unpaired surrogates') }),
      );
    }
  });

  it('refuses an issuer listed twice, in the same spelling or with and without its trailing /, with the same error', () => {
    const resolveSubject = () => undefined;
    const refusal = (issuers: readonly string[]) => {
      try {
        sessionRoutes(sessions, { globalTokenRevocation: { issuers: issuers.map((issuer, index) => ({ issuer, audience: `https://app.example/${index}` })), resolveSubject } });
      } catch (error) {
        return error;
      }
      return 'accepted';
    };
    const error = (issuer: string) => expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: `The session routes option globalTokenRevocation: issuer ${issuer} is listed twice (with or without its trailing /, it is one issuer).` });
    expect(refusal(['https://a.example', 'https://a.example'])).toEqual(error('https://a.example'));
    expect(refusal(['https://a.example', 'https://a.example/'])).toEqual(error('https://a.example/'));
    expect(refusal(['https://a.example/', 'https://b.example', 'https://a.example'])).toEqual(error('https://a.example'));
    expect(refusal(['https://a.example', 'https://a.example.com/'])).toBe('accepted');
  });

  it('needs each issuer\'s audience, since the endpoint\'s own URL could only come from the Host the sender names', () => {
    expect(() => sessionRoutes(sessions, { globalTokenRevocation: { issuers: [{ issuer: 'https://idp.example.com' }], resolveSubject: () => undefined } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('needs its audience') }),
    );
  });

  it('with a configured audience, takes bearers for that audience only, whatever Host the request names', async () => {
    const audience = 'https://app.example.com/sessions/global-token-revocation';
    const url = await serve({ issuers: [{ issuer: idp.issuer, audience }], resolveSubject: () => 'alice' });
    const { token } = await sessions.create({ userId: 'alice' });
    expect((await post(url, await idp.revocationBearer(`${url}${PATH}`))).status).toBe(401);
    expect((await sessions.validate(token)).ok).toBe(true);
    expect((await post(url, await idp.revocationBearer(audience))).status).toBe(204);
    expect((await sessions.validate(token)).ok).toBe(false);
  });

  it('finds the keys of a provider that publishes OAuth authorization server metadata only', async () => {
    // The suite's provider keys, named by a provider whose only metadata is RFC 8414's.
    const metadata = createServer((request, response) => {
      if (request.url !== '/.well-known/oauth-authorization-server') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${idp.issuer}/jwks` }));
    });
    const server = await listen(metadata);
    const issuer = server.url;
    try {
      const url = await serve({ issuers: [{ issuer, audience: ENDPOINT }], resolveSubject: () => 'alice' });
      const { token } = await sessions.create({ userId: 'alice' });
      expect((await post(url, await idp.revocationBearer(ENDPOINT, { iss: issuer }))).status).toBe(204);
      expect((await sessions.validate(token)).ok).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("answers 403 insufficient_scope (the draft's insufficient authorization), not 400, to a well-formed iss_sub of another issuer; nothing ends", async () => {
    const url = await serve({ issuers: [{ issuer: idp.issuer, audience: ENDPOINT }], resolveSubject: () => 'alice' });
    const { token } = await sessions.create({ userId: 'alice', federated: { iss: 'https://other.example', sub: 'alice' } });
    const reply = await fetch(`${url}${PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idp.revocationBearer(ENDPOINT)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sub_id: { format: 'iss_sub', iss: 'https://other.example', sub: 'alice' } }),
    });
    expect([reply.status, reply.headers.get('www-authenticate'), ((await reply.json()) as { error?: unknown }).error]).toEqual([403, 'Bearer error="insufficient_scope"', 'insufficient_scope']);
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('answers 503 and reports to onError when resolveSubject throws; nothing ends', async () => {
    const errors: unknown[] = [];
    const failure = new Error('directory unreachable');
    const url = await serve({ issuers: [{ issuer: idp.issuer, audience: ENDPOINT }], resolveSubject: () => Promise.reject(failure) }, (error) => errors.push(error));
    const { token } = await sessions.create({ userId: 'alice' });
    const reply = await post(url, await idp.revocationBearer(ENDPOINT));
    expect(reply.status).toBe(503);
    expect(errors).toEqual([failure]);
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});
