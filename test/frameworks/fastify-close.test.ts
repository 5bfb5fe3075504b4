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
