import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import * as oidc from 'openid-client';
import { requireSession, sessionMiddleware, sessionRoutes } from '../../../adapters/express/index.js';
import { sessionPlugin } from '../../../adapters/fastify/index.js';
import type { BackchannelLogoutOptions, SessionManager } from '../../../src/index.js';
import type { RequestSessions } from '../../../src/http/index.js';

// An app signing users in through the provider with openid-client (authorization code + PKCE),
// keeping the library's session, serving the back-channel logout URI. The same app on Express
// and on Fastify.

export const FRAMEWORKS = ['express', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The app's side of the OpenID Connect sign-in, framework-free. */
export interface RelyingParty {
  configuration(): Promise<oidc.Configuration>;
  /** Where to send the browser to sign in. */
  login(): Promise<URL>;
  /** Completes the sign-in at the redirect URI: the ID token and its claims. */
  callback(currentUrl: URL): Promise<{ idToken: string; claims: oidc.IDToken }>;
}

export function relyingParty(issuer: string, clientId: string, appUrl: string): RelyingParty {
  let configuration: Promise<oidc.Configuration> | undefined;
  const verifiers = new Map<string, string>();
  const configure = () => (configuration ??= oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] }));
  return {
    configuration: configure,
    async login() {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      verifiers.set(state, verifier);
      return oidc.buildAuthorizationUrl(await configure(), {
        redirect_uri: `${appUrl}/callback`,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
    },
    async callback(currentUrl) {
      const state = currentUrl.searchParams.get('state') ?? '';
      const verifier = verifiers.get(state);
      verifiers.delete(state);
      if (verifier === undefined) throw new Error('Unknown sign-in state');
      const tokens = await oidc.authorizationCodeGrant(await configure(), currentUrl, { pkceCodeVerifier: verifier, expectedState: state });
      return { idToken: tokens.id_token!, claims: tokens.claims()! };
    },
  };
}

/** Signs the user in with the library, remembering the provider session it came from. */
async function finishSignIn(rp: RelyingParty, sessions: RequestSessions, currentUrl: URL) {
  const { idToken, claims } = await rp.callback(currentUrl);
  const sid = typeof claims['sid'] === 'string' ? claims['sid'] : undefined;
  await sessions.signIn({ userId: claims.sub, federated: { iss: claims.iss, sub: claims.sub, sid } });
  return { idToken, sid };
}

export interface RunningApp {
  readonly url: string;
  readonly rp: RelyingParty;
  close(): Promise<void>;
}

/** A server listening on 127.0.0.1 before its app exists: the provider registers its URL first. */
export async function reserveApp(): Promise<{ url: string; serve(framework: Framework, sessions: SessionManager, clientId: string, backchannelLogout: BackchannelLogoutOptions): Promise<RunningApp> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url,
    async serve(framework, sessions, clientId, backchannelLogout) {
      const rp = relyingParty(backchannelLogout.issuers[0]!.issuer, clientId, url);
      if (framework === 'express') {
        const app = express();
        app.use(sessionMiddleware(sessions));
        app.use(sessionRoutes(sessions, { backchannelLogout }));
        app.get('/login', (_req, res, next) => void rp.login().then((to) => res.redirect(303, to.href), next));
        app.get('/callback', (req, res, next) => void finishSignIn(rp, req.sessions, new URL(req.originalUrl, url)).then((body) => res.json(body), next));
        app.get('/api/me', requireSession(), (req, res) => void res.json({ userId: req.sessions.userId }));
        server.on('request', app);
        return { url, rp, close };
      }
      const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
      await app.register(sessionPlugin, { sessions, routes: { backchannelLogout } });
      app.get('/login', async (_request, reply) => reply.redirect((await rp.login()).href, 303));
      app.get('/callback', async (request) => finishSignIn(rp, request.sessions, new URL(request.url, url)));
      app.get('/api/me', { preHandler: app.requireSession }, async (request) => ({ userId: request.sessions.userId }));
      await app.ready();
      return {
        url,
        rp,
        close: async () => {
          server.closeAllConnections();
          await app.close();
        },
      };
    },
  };
}
