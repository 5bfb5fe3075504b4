import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { sessionMiddleware as expressMiddleware, sessionRoutes as expressRoutes } from '../../adapters/express/index.js';
import { sessionPlugin } from '../../adapters/fastify/index.js';
import { sessionMiddleware as honoMiddleware } from '../../adapters/hono/index.js';
import { sessionMiddleware as koaMiddleware, sessionRoutes as koaRoutes } from '../../adapters/koa/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionHttp, createSessionRoutes } from '../../src/http/index.js';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';

async function refusal(make: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await make();
  } catch (error) {
    if (isSessionError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

// Registers the plugin with `options` on a new app and starts it, closing the app either way.
async function registerPlugin(options: unknown): Promise<void> {
  const app = Fastify();
  try {
    await app.register(sessionPlugin, options as never);
    await app.ready();
  } finally {
    await app.close();
  }
}

describe('every factory refuses an option it does not know, naming it', () => {
  const sessions = createSessionManager();
  const cases: readonly [string, () => unknown, string][] = [
    ['express sessionMiddleware', () => expressMiddleware(sessions, { loginPth: '/login' } as never), 'loginPth'],
    ['express sessionRoutes', () => expressRoutes(sessions, { prefx: '/s' } as never), 'prefx'],
    ['koa sessionMiddleware', () => koaMiddleware(sessions, { trustProxi: true } as never), 'trustProxi'],
    ['koa sessionRoutes', () => koaRoutes(sessions, { prefx: '/s' } as never), 'prefx'],
    ['createSessionHttp', () => createSessionHttp(sessions, { secur: true } as never), 'secur'],
    ['createSessionRoutes', () => createSessionRoutes(sessions, { path: '/s' } as never), 'path'],
    ['sqliteStore', () => sqliteStore({ filename: ':memory:', busyTimout: 10 } as never), 'busyTimout'],
    ['memoryStore', () => memoryStore({ expiryBucket: 10 } as never), 'expiryBucket'],
    ['fastify sessionPlugin', () => registerPlugin({ sessions, cookiName: 'sid' }), 'cookiName'],
    ['fastify sessionPlugin routes', () => registerPlugin({ sessions, routes: { prefx: '/s' } }), 'prefx'],
  ];
  it.each(cases)('%s', async (_name, make, key) => {
    const refused = await refusal(make);
    expect(refused.code).toBe('INVALID_CONFIGURATION');
    expect(refused.message).toContain(`"${key}"`);
  });

  it('Fastify register options (logLevel) are not the plugin options and pass; a register prefix is refused', async () => {
    await registerPlugin({ sessions, logLevel: 'warn' });
    const refused = await refusal(() => registerPlugin({ sessions, prefix: '/auth' }));
    expect(refused.code).toBe('INVALID_CONFIGURATION');
    expect(refused.message).toContain('routes: { prefix }');
  });

  it("a wrapper's message lists its own options beside the HTTP ones (Fastify's sessions and routes, Hono's getConnInfo)", async () => {
    const fastify = await refusal(() => registerPlugin({ sessions, loginPth: '/login' }));
    expect(fastify.message).toMatch(/Known options: sessions, routes, loginPath, /);
    const hono = await refusal(() => honoMiddleware(sessions, { loginPth: '/login' } as never));
    expect(hono.message).toMatch(/Known options: getConnInfo, loginPath, /);
    const express = await refusal(() => expressMiddleware(sessions, { loginPth: '/login' } as never));
    expect(express.message).toMatch(/Known options: loginPath, /);
  });
});
