import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { listen } from '../frameworks/listen.js';
import { startTransmitter, type TestTransmitter } from '../security-events/support/transmitter.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// An app's onRefused may be async (it writes to a database). When its promise rejects, the
// error goes to onError like a thrown one: anyone can post junk to these routes, and an
// unhandled rejection would end the app's process.

let idp: HomeIssuer;
let tx: TestTransmitter;
let sessions: SessionManager;
let app: FrameworkApp;
const errors: unknown[] = [];
let reported: () => void = () => undefined;
const failing = async (): Promise<void> => {
  throw new Error('audit database down');
};
beforeAll(async () => {
  [idp, tx] = await Promise.all([startHomeIssuer(), startTransmitter()]);
  const onError = (error: unknown) => {
    errors.push(error);
    reported();
  };
  sessions = createSessionManager({ store: memoryStore(), onError });
  const server = express();
  server.use(sessionMiddleware(sessions, { onError }));
  server.use(
    sessionRoutes(sessions, {
      backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], onRefused: failing },
      securityEvents: { transmitters: [tx.config()], onRefused: failing },
    }),
  );
  app = await listen(createServer(server));
});
afterAll(async () => {
  await app.close();
  await sessions.close();
  await Promise.all([idp.close(), tx.close()]);
});

/** Runs `refuse`, and waits until the rejection it causes reaches onError. */
async function refusedThenReported<T>(refuse: () => Promise<T>): Promise<T> {
  errors.length = 0;
  const report = new Promise<void>((resolve) => (reported = resolve));
  const answer = await refuse();
  await report;
  expect(errors).toEqual([expect.objectContaining({ message: 'audit database down' })]);
  return answer;
}

describe('an async onRefused that rejects', () => {
  it('backchannelLogout() and securityEvent() still answer the refusal, and the rejection goes to onError', async () => {
    expect(await refusedThenReported(() => sessions.backchannelLogout('junk', { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], onRefused: failing }))).toEqual({ ok: false, reason: 'malformed' });
    expect(await refusedThenReported(() => sessions.securityEvent('junk', { transmitters: [tx.config()], onRefused: failing }))).toMatchObject({ ok: false, err: 'invalid_request' });
  });

  it('the back-channel logout route answers 400 to junk, the security events route 400 to junk and to a wrong media type', async () => {
    const post = (path: string, type: string) => fetch(`${app.url}/sessions/${path}`, { method: 'POST', headers: { 'content-type': type }, body: 'logout_token=junk' });
    expect((await refusedThenReported(() => post('backchannel-logout', 'application/x-www-form-urlencoded'))).status).toBe(400);
    expect((await refusedThenReported(() => post('security-events', 'application/secevent+jwt'))).status).toBe(400);
    expect((await refusedThenReported(() => post('security-events', 'text/plain'))).status).toBe(400);
  });
});

describe('an async onError that rejects too', () => {
  it("is never an unhandled rejection: the manager's and the session middleware's", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let calls = 0;
    let bothCalled: () => void = () => undefined;
    const called = new Promise<void>((resolve) => (bothCalled = resolve));
    const onError = async (): Promise<void> => {
      if (++calls === 2) bothCalled();
      throw new Error('log sink down');
    };
    const manager = createSessionManager({ store: memoryStore(), onError });
    const server = express();
    server.use(sessionMiddleware(manager, { onError }));
    server.use(sessionRoutes(manager, { securityEvents: { transmitters: [tx.config()], onRefused: failing } }));
    const served = await listen(createServer(server));
    try {
      expect((await manager.securityEvent('junk', { transmitters: [tx.config()], onRefused: failing })).ok).toBe(false);
      expect((await fetch(`${served.url}/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(400);
      await called;
      // Node reports an unhandled rejection once the microtasks have run: after this turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await served.close();
      await manager.close();
    }
  });
});
