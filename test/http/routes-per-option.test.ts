import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';

// An app laid out as the guides show it: the quick start's session routes, then the "This
// wasn't me" page (security-page.md) and the live sign-out stream (live-sign-out.md), each
// with a sessionRoutes() call of its own under the same /sessions prefix.

let sessions: SessionManager;
let url: string;
let close: () => Promise<void>;
beforeAll(async () => {
  sessions = createSessionManager({ store: memoryStore() });
  const app = express();
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { prefix: '/sessions' }));
  app.use(sessionRoutes(sessions, { revocationLinks: true }));
  app.use(sessionRoutes(sessions, { events: true }));
  ({ url, close } = await listen(createServer(app)));
});
afterAll(async () => {
  await close();
  await sessions.close();
});

describe('routes mounted by a sessionRoutes() call each, after the quick start\'s', () => {
  it('the "This wasn\'t me" link in the new-device email opens its page', async () => {
    const { session } = await sessions.create({ userId: 'alice' });
    const link = (await sessions.issueRevocationLink(session.id))!;
    const reply = await fetch(`${url}/sessions/not-me?token=${encodeURIComponent(link)}`);
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain("Wasn't you?");
  });

  it('a signed-in page opens its live sign-out stream', async () => {
    const { token } = await sessions.create({ userId: 'alice' });
    const controller = new AbortController();
    const reply = await fetch(`${url}/sessions/events`, { headers: { cookie: `session=${token}` }, signal: controller.signal });
    controller.abort();
    expect([reply.status, reply.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/event-stream')]);
  });
});
