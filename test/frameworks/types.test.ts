import type { ErrorRequestHandler, Request as ExpressRequest, RequestHandler } from 'express';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { Context as KoaContext, Middleware, ParameterizedContext } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  requireSameOrigin as expressRequireSameOrigin,
  requireSession as expressRequireSession,
  sessionErrorHandler,
} from '../../adapters/express/index.js';
import type { replyToSessionError, sessionPlugin, SessionPluginOptions } from '../../adapters/fastify/index.js';
import type { requireSameOrigin as koaRequireSameOrigin } from '../../adapters/koa/index.js';
import type { errorResponse, HttpResponse, RequestSessions } from '../../src/http/index.js';
import type { Session } from '../../src/index.js';

// What a user's editor sees once a wrapper is imported: checked by `tsc`, trivially true at run time.
describe('typed request properties', () => {
  it('Express: req.sessions', () => {
    expectTypeOf<ExpressRequest['sessions']>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<ReturnType<typeof expressRequireSession>>().toEqualTypeOf<RequestHandler>();
    expectTypeOf<ReturnType<typeof expressRequireSameOrigin>>().toEqualTypeOf<RequestHandler>();
    expectTypeOf<ReturnType<typeof sessionErrorHandler>>().toEqualTypeOf<ErrorRequestHandler>();
  });

  it('Fastify: request.sessions and fastify.requireSession', () => {
    expectTypeOf<FastifyRequest['sessions']>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<FastifyInstance['requireSession']>().toEqualTypeOf<preHandlerHookHandler>();
    expectTypeOf<FastifyInstance['requireSameOrigin']>().toEqualTypeOf<preHandlerAsyncHookHandler>();
    // Usable as onRequest too, to refuse before the body is parsed.
    expectTypeOf<FastifyInstance['requireSameOrigin']>().toExtend<onRequestAsyncHookHandler>();
    expectTypeOf<typeof replyToSessionError>().parameters.toEqualTypeOf<[unknown, FastifyRequest, FastifyReply]>();
    expectTypeOf<typeof replyToSessionError>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<SessionPluginOptions>().toHaveProperty('routes');
    expectTypeOf<typeof sessionPlugin>().toBeFunction();
  });

  it('Koa: ctx.sessions on every context type', () => {
    expectTypeOf<KoaContext['sessions']>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<ParameterizedContext<{ user: string }>['sessions']>().toEqualTypeOf<RequestSessions>();
    expectTypeOf<ReturnType<typeof koaRequireSameOrigin>>().toExtend<Middleware>();
  });

  it('the sessions object', () => {
    expectTypeOf<RequestSessions['current']>().toEqualTypeOf<Session | null>();
    expectTypeOf<RequestSessions['userId']>().toEqualTypeOf<string | null>();
    expectTypeOf<RequestSessions['signIn']>().parameter(0).toHaveProperty('userId');
    expectTypeOf<typeof errorResponse>().returns.toEqualTypeOf<HttpResponse | undefined>();
  });
});
