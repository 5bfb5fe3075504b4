import type { Context, MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import type { FetchHandler, requireSession as fetchRequireSession, sessionRoutes as fetchSessionRoutes, WithSessions } from '../../adapters/fetch/index.js';
import type { requireSameOrigin, requireSession, sessionMiddleware } from '../../adapters/hono/index.js';
import type { RequestSessions } from '../../src/http/index.js';

// What a user's editor sees once a wrapper is imported: checked by `tsc`, trivially true at run time.
describe('typed request properties on Web-standard runtimes', () => {
  it('Hono: c.var.sessions and c.get("sessions")', () => {
    expectTypeOf<Context['var']['sessions']>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<ReturnType<Context['get']>>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<ReturnType<typeof sessionMiddleware>>().toEqualTypeOf<MiddlewareHandler>();
    expectTypeOf<ReturnType<typeof requireSession>>().toEqualTypeOf<MiddlewareHandler>();
    expectTypeOf<ReturnType<typeof requireSameOrigin>>().toEqualTypeOf<MiddlewareHandler>();
  });

  it('Fetch: the wrapped handler keeps the runtime signature, the guards are Request -> Response | undefined', () => {
    type Server = { requestIP(request: Request): { address: string } | null };
    const withSessions = null as unknown as WithSessions;
    const bun = () => withSessions((_request, sessions) => new Response(sessions.userId), (request, server: Server) => ({ remoteAddress: server.requestIP(request)?.address }));
    expectTypeOf<ReturnType<typeof bun>>().toEqualTypeOf<FetchHandler<[server: Server]>>();
    const next = () => withSessions(async (_request, sessions) => Response.json({ userId: sessions.userId }));
    expectTypeOf<ReturnType<typeof next>>().toEqualTypeOf<FetchHandler<[]>>();
    // Next.js middleware gets a NextRequest: the handler may say so.
    type NextLikeRequest = Request & { readonly nextUrl: URL };
    const middleware = () => withSessions((request: NextLikeRequest) => new Response(request.nextUrl.pathname));
    expectTypeOf<ReturnType<typeof middleware>>().toEqualTypeOf<FetchHandler<[], NextLikeRequest>>();
    expectTypeOf<typeof fetchRequireSession>().toEqualTypeOf<(request: Request) => Response | undefined>();
    expectTypeOf<ReturnType<typeof fetchSessionRoutes>>().returns.toEqualTypeOf<Promise<Response | undefined>>();
  });
});
