import { createServer } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { listen } from '../frameworks/listen.js';

// Universal Logout decided by the manager, as its other provider-facing calls are: the
// manager's clock judges a bearer's iat and exp, and the provider's keys are the manager's
// (one back-off while the provider fails, its trouble told to the manager's onError).

const AUDIENCE = 'https://app.example.com/sessions/global-token-revocation';
const seconds = (ms: number): number => Math.floor(ms / 1000);

let idp: TestIssuer;
let app: FrameworkApp | undefined;
let sessions: SessionManager | undefined;
beforeEach(async () => {
  idp = await startTestIssuer();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await sessions?.close();
  sessions = undefined;
  await idp.close();
});

/** An Express app signing users out for `idp`, with the routes mounted under each prefix. */
async function serve(manager: SessionManager, prefixes: readonly string[] = ['/sessions']): Promise<string> {
  const server = express();
  server.use(sessionMiddleware(manager));
  for (const prefix of prefixes) {
    server.use(sessionRoutes(manager, { prefix, globalTokenRevocation: { issuers: [{ issuer: idp.issuer, audience: AUDIENCE }], resolveSubject: () => 'alice' } }));
  }
  app = await listen(createServer(server));
  return app.url;
}

const post = (url: string, bearer: string, prefix = '/sessions') =>
  fetch(`${url}${prefix}/global-token-revocation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sub_id: { format: 'email', email: 'alice@example.com' } }),
  });

describe('Universal Logout on the manager\'s clock', () => {
  it('takes a bearer issued at the manager\'s time, a day ahead of the machine\'s', async () => {
    const now = Date.now() + 24 * 60 * 60_000;
    sessions = createSessionManager({ store: memoryStore(), clock: () => now });
    const url = await serve(sessions);
    const { token } = await sessions.create({ userId: 'alice' });
    const reply = await post(url, await idp.revocationBearer(AUDIENCE, { iat: seconds(now), exp: seconds(now) + 300 }));
    expect(reply.status).toBe(204);
    expect((await sessions.validate(token)).ok).toBe(false);
  });

  it('refuses a bearer the manager\'s clock has seen expire, though the machine\'s has not', async () => {
    let now = Date.now();
    sessions = createSessionManager({ store: memoryStore(), clock: () => now });
    const url = await serve(sessions);
    const { token } = await sessions.create({ userId: 'alice' });
    const bearer = await idp.revocationBearer(AUDIENCE, { iat: seconds(now), exp: seconds(now) + 300 });
    // Past exp and the minute of tolerance.
    now += 400_000;
    const reply = await post(url, bearer);
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});

describe('Universal Logout with the manager\'s provider keys', () => {
  it('while the provider\'s keys fail, a second routes instance of the manager does not fetch them again', async () => {
    sessions = createSessionManager({ store: memoryStore() });
    const url = await serve(sessions, ['/a', '/b']);
    const { token } = await sessions.create({ userId: 'alice' });
    idp.jwksAnswer = 503;
    expect((await post(url, await idp.revocationBearer(AUDIENCE), '/a')).status).toBe(503);
    expect(idp.jwksFetches).toBe(1);
    expect((await post(url, await idp.revocationBearer(AUDIENCE), '/b')).status).toBe(503);
    expect(idp.jwksFetches).toBe(1);
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('tells the manager\'s onError, once, of a provider whose discovery names another issuer', async () => {
    const errors: unknown[] = [];
    let now = Date.now();
    sessions = createSessionManager({ store: memoryStore(), clock: () => now, onError: (error) => void errors.push(error) });
    const url = await serve(sessions);
    const { token } = await sessions.create({ userId: 'alice' });
    idp.metadata = { issuer: `${idp.issuer}/` };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await post(url, await idp.revocationBearer(AUDIENCE))).status).toBe(503);
      // Past the back-off after a failed discovery, measured on the manager's clock.
      now += 10_000;
    }
    expect(idp.discoveryFetches).toBe(2);
    expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_CONFIGURATION' })]);
    expect((errors[0] as Error).message).toContain(`names the issuer "${idp.issuer}/", but "${idp.issuer}" is configured`);
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});
