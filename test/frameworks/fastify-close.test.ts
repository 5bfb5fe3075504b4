import { get, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { sessionPlugin } from '../../adapters/fastify/index.js';
import { createSessionManager } from '../../src/index.js';
import { EventReader } from '../../src/testing/framework/live-events.js';

it("app.close() ends the open live sign-out streams first, so neither it nor the app's onClose hooks wait on a page left open", async () => {
  const sessions = createSessionManager();
  const app = Fastify();
  await app.register(sessionPlugin, { sessions, routes: { events: true } });
  // The usual place to close the manager: it would end the streams too, but Fastify runs it only once the server closed.
  app.addHook('onClose', async () => sessions.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const { token } = await sessions.create({ userId: 'ada' });
  const response = await fetch(`http://127.0.0.1:${port}/sessions/events`, { headers: { cookie: `session=${token}`, 'sec-fetch-site': 'same-origin' } });
  expect(response.status).toBe(200);
  const events = new EventReader(response.body!);
  expect((await events.next())?.event).toBe('comment');
  await app.close();
  // The page hears its stream end (and reconnects elsewhere), not a revocation.
  expect(await events.nextEvent()).toBeUndefined();
  // The app's onClose hook ran: the manager is closed.
  await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'CLOSED' });
});

it('a live sign-out stream whose request was still on its way when app.close() began ends at once, so it holds neither', async () => {
  const sessions = createSessionManager();
  const app = Fastify();
  let entered: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (entered = resolve));
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The app's own slow hook (a rate limiter asking Redis): the request is past Fastify's 503 for new ones when the close begins.
  app.addHook('onRequest', async () => {
    entered();
    await held;
  });
  await app.register(sessionPlugin, { sessions, routes: { events: true } });
  let preClosed: () => void = () => undefined;
  const streamsClosed = new Promise<void>((resolve) => (preClosed = resolve));
  // Runs after the plugin's own preClose hook.
  app.addHook('preClose', (done) => {
    preClosed();
    done();
  });
  app.addHook('onClose', async () => sessions.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const { token } = await sessions.create({ userId: 'ada' });
  // Without keep-alive: a kept connection holds a Fastify close for its keepAliveTimeout, whatever its last answer was.
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/sessions/events', agent: false, headers: { cookie: `session=${token}`, 'sec-fetch-site': 'same-origin' } }, resolve).on('error', reject);
  });
  await arrived;
  const closed = app.close();
  await streamsClosed;
  release();
  const response = await answered;
  expect(response.statusCode).toBe(200);
  // It ends (the page reconnects, elsewhere), with no revocation.
  expect(await new EventReader(Readable.toWeb(response) as ReadableStream<Uint8Array>).nextEvent()).toBeUndefined();
  await closed;
  await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'CLOSED' });
});
