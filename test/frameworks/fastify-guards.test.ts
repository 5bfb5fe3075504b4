import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { requireSameOrigin, requireSession, sessionPlugin } from '../../adapters/fastify/index.js';
import { createSessionManager } from '../../src/index.js';

// A decorator read before `register` has loaded the plugin is undefined, and Fastify drops the hook:
// the imported guards exist from the start.
describe('Fastify guards imported from the wrapper', () => {
  it('guard routes declared before the plugin has loaded (register not awaited)', async () => {
    const sessions = createSessionManager();
    const app = Fastify();
    void app.register(sessionPlugin, { sessions });
    expect(app.requireSession).toBeUndefined();
    app.get('/dashboard', { preHandler: requireSession() }, async () => 'secret');
    app.post('/transfer', { onRequest: requireSameOrigin(), preHandler: requireSession() }, async () => 'moved');
    try {
      expect((await app.inject({ url: '/dashboard', headers: { accept: 'application/json' } })).statusCode).toBe(401);
      const crossSite = await app.inject({ method: 'POST', url: '/transfer', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
      expect(crossSite.statusCode).toBe(403);
      const { token } = await sessions.create({ userId: 'ada' });
      const signedIn = await app.inject({ url: '/dashboard', headers: { cookie: `session=${token}` } });
      expect([signedIn.statusCode, signedIn.body]).toEqual([200, 'secret']);
    } finally {
      await app.close();
    }
  });

  it('without the plugin at all, a guarded route answers 500, never the handler', async () => {
    const app = Fastify();
    app.get('/dashboard', { preHandler: requireSession() }, async () => 'secret');
    try {
      const reply = await app.inject({ url: '/dashboard' });
      expect([reply.statusCode, reply.body.includes('secret')]).toEqual([500, false]);
    } finally {
      await app.close();
    }
  });
});
