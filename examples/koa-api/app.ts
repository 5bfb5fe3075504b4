import Koa from 'koa';
import { requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/koa/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { formatEventLine } from '../shared/audit.js';
import { createUserDirectory } from '../shared/user-directory.js';

export interface KoaApi {
  readonly app: Koa;
  readonly sessions: SessionManager;
}

const MAX_BODY_BYTES = 16 * 1024;

/** Reads a small JSON body; Koa has no parser of its own and the example takes no extra package. */
async function readJson(ctx: Koa.Context): Promise<unknown> {
  if (!ctx.is('application/json')) ctx.throw(415, 'Send JSON.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) ctx.throw(413, 'Body too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    ctx.throw(400, 'Malformed JSON.');
  }
}

/**
 * The Fastify example's API on Koa: `POST /api/sign-in`, `GET /api/me`, and the library's
 * session routes under `/api/sessions`. Sessions live in the memory store.
 */
export async function createKoaApi(options: { log?: (line: string) => void } = {}): Promise<KoaApi> {
  const log = options.log ?? ((line: string) => console.log(line));
  const users = await createUserDirectory();
  const sessions = createSessionManager();
  sessions.on('*', (event) => log(formatEventLine(event)));

  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      if (status >= 500) throw error;
      ctx.status = status;
      ctx.body = { error: (error as Error).message };
    }
  });
  // Also answers a store outage further down (signing in while the store is down) with a 503.
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { prefix: '/api/sessions' }));
  // A sign-in carries no session, so SameSite cannot protect it: refuse posts from other sites.
  app.use(requireSameOrigin());

  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/sign-in') return next();
    if (ctx.method !== 'POST') ctx.throw(405, 'Use POST.');
    const body = (await readJson(ctx)) as { email?: unknown; password?: unknown } | null;
    const user = await users.checkPassword(body?.email, body?.password);
    if (user === undefined) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_credentials' };
      return;
    }
    const { session } = await ctx.sessions.signIn({ userId: user.id, tenantId: user.tenantId });
    ctx.body = { user: users.publicUser(user.id), session: { id: session.id, expiresAt: session.expiresAt } };
  });

  // Everything below needs a session.
  app.use(requireSession());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/me' || ctx.method !== 'GET') return next();
    const session = ctx.sessions.current!;
    ctx.body = { user: users.publicUser(session.userId), session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt } };
  });

  return { app, sessions };
}
