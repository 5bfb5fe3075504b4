import Fastify, { type FastifyInstance } from 'fastify';
import { requireSameOrigin, requireSession, sessionErrorHandler, sessionPlugin } from '../../adapters/fastify/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { formatEventLine } from '../shared/audit.js';
import { createUserDirectory } from '../shared/user-directory.js';

export interface FastifyApi {
  readonly app: FastifyInstance;
  readonly sessions: SessionManager;
}

/**
 * A JSON API on Fastify: `POST /api/sign-in`, `GET /api/me`, and the library's session routes
 * under `/api/sessions` (list, `DELETE /:id`, `POST /sign-out`, `/sign-out-others`,
 * `/sign-out-everywhere`). Sessions live in the memory store.
 */
export async function createFastifyApi(options: { log?: (line: string) => void } = {}): Promise<FastifyApi> {
  const log = options.log ?? ((line: string) => console.log(line));
  const users = await createUserDirectory();
  const sessions = createSessionManager();
  sessions.on('*', (event) => log(formatEventLine(event)));

  const app = Fastify();
  await app.register(sessionPlugin, { sessions, routes: { prefix: '/api/sessions' } });
  // A store outage inside a route (signing in while the store is down) is the library's 503.
  app.setErrorHandler(sessionErrorHandler());

  app.post<{ Body: { email: string; password: string } }>(
    '/api/sign-in',
    {
      // A sign-in carries no session, so SameSite cannot protect it: refuse other sites, before the body is read.
      onRequest: requireSameOrigin(),
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const user = await users.checkPassword(request.body.email, request.body.password);
      if (user === undefined) return reply.code(401).send({ error: 'invalid_credentials' });
      const { session } = await request.sessions.signIn({ userId: user.id, tenantId: user.tenantId });
      return { user: users.publicUser(user.id), session: { id: session.id, expiresAt: session.expiresAt } };
    },
  );

  app.get('/api/me', { preHandler: requireSession() }, async (request) => {
    const session = request.sessions.current!;
    return { user: users.publicUser(session.userId), session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt } };
  });

  app.addHook('onClose', () => sessions.close());
  return { app, sessions };
}
