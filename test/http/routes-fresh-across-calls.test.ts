import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';

// The quick start's sessionRoutes() call first, then the security page's with requireFresh, as an app following both guides mounts them.
const MINUTE = 60_000;
let now = 1_700_000_000_000;
let sessions: SessionManager;
let url: string;
let close: () => Promise<void>;
beforeAll(async () => {
  sessions = createSessionManager({ store: memoryStore(), clock: () => now });
  const app = express();
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { prefix: '/sessions' }));
  app.use(sessionRoutes(sessions, { requireFresh: 10 * MINUTE }));
  app.use(sessionRoutes(sessions, { prefix: '/other' }));
  ({ url, close } = await listen(createServer(app)));
});
afterAll(async () => {
  await close();
  await sessions.close();
});

const post = (path: string, token: string) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { cookie: `session=${token}`, 'sec-fetch-site': 'same-origin', accept: 'application/json' } });

describe('requireFresh given to one of several sessionRoutes() calls under one prefix', () => {
  it('a session signed in 11 minutes ago cannot sign out everywhere through the first call', async () => {
    const phone = await sessions.create({ userId: 'alice' });
    const laptop = await sessions.create({ userId: 'alice' });
    now += 11 * MINUTE;
    for (const path of ['/sessions/sign-out-everywhere', '/sessions/sign-out-others']) {
      const reply = await post(path, laptop.token);
      expect([reply.status, await reply.json()]).toEqual([403, { error: 'reauthentication_required' }]);
    }
    const deleted = await fetch(`${url}/sessions/${phone.session.id}`, { method: 'DELETE', headers: { cookie: `session=${laptop.token}`, 'sec-fetch-site': 'same-origin' } });
    expect(deleted.status).toBe(403);
    const signOut = await post('/sessions/sign-out', laptop.token);
    expect(await signOut.json()).toEqual({ global: false });
    expect((await sessions.validate(phone.token)).ok).toBe(true);
  });

  it('a fresh session signs out everywhere; another prefix keeps its own options', async () => {
    const phone = await sessions.create({ userId: 'bob' });
    const laptop = await sessions.create({ userId: 'bob' });
    now += 11 * MINUTE;
    expect((await post('/other/sign-out-others', laptop.token)).status).toBe(200);
    expect((await sessions.validate(phone.token)).ok).toBe(false);
    const tablet = await sessions.create({ userId: 'bob' });
    expect((await post('/sessions/sign-out-everywhere', tablet.token)).status).toBe(204);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
  });
});
