import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { SHARED_STORE_KINDS, type SharedStore } from '../federated/support/shared-stores.js';
import { listen } from '../frameworks/listen.js';

// A Universal Logout bearer authenticates one request: its jti is claimed in the store for the
// user the body names, by every instance sharing it, so a bearer captured on its way (a log, a
// proxy) cannot sign anyone out again once done, nor ever name another user (the bearer does not
// bind the body). Only the same request sent again while the first failed or is at work acts.

const AUDIENCE = 'https://app.example.com/sessions/global-token-revocation';
const USERS: Record<string, string> = { 'alice@example.com': 'alice', 'bob@example.com': 'bob' };

let idp: TestIssuer;
beforeAll(async () => {
  idp = await startTestIssuer();
});
afterAll(() => idp.close());

/** One app server: an Express app on `manager`, its routes signing users out for `idp`. */
async function serve(manager: SessionManager, resolveSubject: (subject: { email?: string | undefined }) => string | undefined | Promise<string | undefined>): Promise<FrameworkApp> {
  const server = express();
  server.use(sessionMiddleware(manager));
  server.use(sessionRoutes(manager, { globalTokenRevocation: { issuers: [{ issuer: idp.issuer, audience: AUDIENCE }], resolveSubject } }));
  return listen(createServer(server));
}

const byEmail = ({ email }: { email?: string | undefined }): string | undefined => USERS[email ?? ''];

const post = (app: FrameworkApp, bearer: string, email: string) =>
  fetch(`${app.url}/sessions/global-token-revocation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sub_id: { format: 'email', email } }),
  });

for (const kind of SHARED_STORE_KINDS) {
  describe.skipIf(!(await kind.up()))(`Universal Logout replay on ${kind.name}, two instances`, () => {
    let shared: SharedStore;
    let managers: readonly [SessionManager, SessionManager];
    let apps: readonly [FrameworkApp, FrameworkApp];
    beforeAll(async () => {
      shared = await kind.share('ulreplay');
      managers = [createSessionManager({ store: shared.stores[0] }), createSessionManager({ store: shared.stores[1] })];
      apps = [await serve(managers[0], byEmail), await serve(managers[1], byEmail)];
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(managers.map((manager) => manager.close()));
      await shared.cleanup();
    });

    it('a bearer sent again to the other instance answers 401 and ends nothing more, for the same user or another', async () => {
      const before = await managers[0].create({ userId: 'alice' });
      const bearer = await idp.revocationBearer(AUDIENCE);
      expect((await post(apps[0], bearer, 'alice@example.com')).status).toBe(204);
      expect((await managers[1].validate(before.token)).ok).toBe(false);
      const since = await managers[1].create({ userId: 'alice' });
      const bob = await managers[1].create({ userId: 'bob' });
      for (const email of ['alice@example.com', 'bob@example.com']) {
        const replay = await post(apps[1], bearer, email);
        expect(replay.status).toBe(401);
        expect(replay.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      }
      expect((await managers[0].validate(since.token)).ok).toBe(true);
      expect((await managers[0].validate(bob.token)).ok).toBe(true);
    });

    it('of two instances racing the same bearer, the user is signed out, and the bearer sent again is refused (5 of 5 races)', async () => {
      for (let race = 0; race < 5; race++) {
        const { token } = await managers[0].create({ userId: 'alice' });
        const bearer = await idp.revocationBearer(AUDIENCE);
        const statuses = await Promise.all(apps.map(async (app) => (await post(app, bearer, 'alice@example.com')).status));
        // 401 only for a bearer whose other delivery had finished.
        expect(['204+204', '204+401']).toContain(statuses.sort().join('+'));
        expect((await managers[1].validate(token)).ok).toBe(false);
        expect((await post(apps[race % 2]!, bearer, 'alice@example.com')).status).toBe(401);
      }
    });
  });
}

describe('a bearer whose request could not be carried out is not spent', () => {
  let sessions: SessionManager;
  let app: FrameworkApp | undefined;
  afterAll(async () => {
    await app?.close();
    await sessions.close();
  });

  it('resolveSubject fails once: 503, the session lives, and the same bearer sent again signs the user out', async () => {
    let fail = true;
    sessions = createSessionManager({ store: memoryStore() });
    app = await serve(sessions, (subject) => {
      if (!fail) return byEmail(subject);
      fail = false;
      return Promise.reject(new Error('directory unreachable'));
    });
    const { token } = await sessions.create({ userId: 'alice' });
    const bearer = await idp.revocationBearer(AUDIENCE);
    expect((await post(app, bearer, 'alice@example.com')).status).toBe(503);
    expect((await sessions.validate(token)).ok).toBe(true);
    expect((await post(app, bearer, 'alice@example.com')).status).toBe(204);
    expect((await sessions.validate(token)).ok).toBe(false);
  });

  it('a bearer whose request failed still names only its user: another email is refused 401 without asking the app, the same email signs the user out', async () => {
    const asked: unknown[] = [];
    let fail = true;
    await app?.close();
    await sessions.close();
    sessions = createSessionManager({ store: memoryStore() });
    app = await serve(sessions, (subject) => {
      asked.push(subject.email);
      if (!fail) return byEmail(subject);
      fail = false;
      return Promise.reject(new Error('directory unreachable'));
    });
    const [alice, bob] = [await sessions.create({ userId: 'alice' }), await sessions.create({ userId: 'bob' })];
    const bearer = await idp.revocationBearer(AUDIENCE);
    expect((await post(app, bearer, 'alice@example.com')).status).toBe(503);
    expect((await post(app, bearer, 'bob@example.com')).status).toBe(401);
    expect((await post(app, bearer, 'alice@example.com')).status).toBe(204);
    expect((await post(app, bearer, 'alice@example.com')).status).toBe(401);
    expect(asked).toEqual(['alice@example.com', 'alice@example.com']);
    expect([(await sessions.validate(alice.token)).ok, (await sessions.validate(bob.token)).ok]).toEqual([false, true]);
  });
});

describe('a bearer without jti', () => {
  it('is refused 401: it could be replayed at will, and Okta\'s private_key_jwt bearers carry one', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const app = await serve(sessions, byEmail);
    try {
      const { token } = await sessions.create({ userId: 'alice' });
      const reply = await post(app, await idp.revocationBearer(AUDIENCE, { jti: undefined }), 'alice@example.com');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect((await sessions.validate(token)).ok).toBe(true);
    } finally {
      await app.close();
      await sessions.close();
    }
  });
});
