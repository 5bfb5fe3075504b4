import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { html } from './views/html.js';

// The "provider console" of `npm run demo -- --idp`: what an identity provider's admin console
// does when an administrator ends a user's session there (Okta, authentik): it pushes a CAEP
// `session-revoked` Security Event Token to the app (RFC 8935). Served on the local provider's
// own origin beside oidc-provider, so the SETs' issuer is the provider's issuer: its Shared
// Signals metadata at /.well-known/ssf-configuration, its SET key at /ssf/jwks, the page at
// /console. For the demo only: the key lives in memory and the page checks no administrator.

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const MAX_FORM = 1_024;

/** A session of the app signed in through this provider, as the console lists it. */
export interface ProviderSession {
  /** The provider session id (the ID token's `sid`). */
  readonly sid: string;
  /** The provider's user (the ID token's `sub`). */
  readonly sub: string;
  /** Who, for the page. */
  readonly email: string;
  /** The device, for the page. */
  readonly device: string;
}

export interface ProviderConsoleOptions {
  /** The provider's issuer: the SETs' `iss`. */
  readonly issuer: string;
  /** The app's security-events route, where SETs are pushed. */
  readonly pushUrl: string;
  /** The SETs' `aud`: the app, as the stream names it. */
  readonly audience: string;
  /** The Authorization header value the app expects with each push. */
  readonly authorization: string;
  /** The app's sessions signed in through this provider. */
  readonly sessions: () => Promise<readonly ProviderSession[]>;
}

/** The console's requests: `handle` answers those it serves and returns `false` for the rest (oidc-provider's). */
export interface ProviderConsole {
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

export async function createProviderConsole(options: ProviderConsoleOptions): Promise<ProviderConsole> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'demo-ssf-key', use: 'sig', alg: 'RS256' };
  const metadata = {
    spec_version: '1_0',
    issuer: options.issuer,
    jwks_uri: `${options.issuer}/ssf/jwks`,
    delivery_methods_supported: ['urn:ietf:rfc:8935'],
  };

  const json = (response: ServerResponse, body: unknown): void => {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };

  return {
    handle(request, response) {
      const url = new URL(request.url ?? '/', options.issuer);
      if (request.method === 'GET' && url.pathname === '/.well-known/ssf-configuration') return (json(response, metadata), true);
      if (request.method === 'GET' && url.pathname === '/ssf/jwks') return (json(response, { keys: [jwk] }), true);
      if (request.method === 'GET' && url.pathname === '/console') {
        void options.sessions().then(
          (sessions) => page(response, sessions, url.searchParams),
          () => response.writeHead(500).end(),
        );
        return true;
      }
      if (request.method === 'POST' && url.pathname === '/console/push') {
        void push(request, options, privateKey).then(
          (location) => response.writeHead(303, { location }).end(),
          () => response.writeHead(500).end(),
        );
        return true;
      }
      return false;
    },
  };
}

/** Signs a `session-revoked` SET for the session chosen and pushes it; answers where to go next. */
async function push(request: IncomingMessage, options: ProviderConsoleOptions, key: CryptoKey): Promise<string> {
  const sid = new URLSearchParams(await readForm(request)).get('sid');
  const session = (await options.sessions()).find((candidate) => candidate.sid === sid);
  if (session === undefined) return '/console?pushed=unknown';
  const set = await new SignJWT({
    jti: randomUUID(),
    // The provider session, and the user it belongs to (SSF 1.0 complex subject).
    sub_id: { format: 'complex', session: { format: 'opaque', id: session.sid }, user: { format: 'iss_sub', iss: options.issuer, sub: session.sub } },
    events: { [SESSION_REVOKED]: { event_timestamp: Math.floor(Date.now() / 1000), initiating_entity: 'admin', reason_admin: { en: 'Ended from the provider console' } } },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: 'demo-ssf-key' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .sign(key);
  const answer = await fetch(options.pushUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json', authorization: options.authorization },
    body: set,
  });
  const detail = answer.status === 202 ? '' : ((await answer.json().catch(() => ({}))) as { err?: string }).err ?? '';
  return `/console?pushed=${encodeURIComponent(session.sid)}&status=${answer.status}${detail === '' ? '' : `&err=${encodeURIComponent(detail)}`}`;
}

function readForm(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM) request.destroy(new Error('form too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function page(response: ServerResponse, sessions: readonly ProviderSession[], query: URLSearchParams): void {
  const pushed = query.get('pushed');
  const status = query.get('status');
  const outcome =
    pushed === null
      ? ''
      : status === '202'
        ? html`<p role="status" class="pushed">Pushed session-revoked for session ${pushed}: the app answered 202.</p>`
        : html`<p role="status" class="pushed">Session ${pushed}: the app answered ${status ?? 'nothing'} ${query.get('err') ?? ''}.</p>`;
  const rows = sessions.map(
    (session) => html`<tr data-testid="provider-session">
  <td>${session.email}</td><td>${session.device}</td><td><code>${session.sid}</code></td>
  <td><form method="post" action="/console/push"><input type="hidden" name="sid" value="${session.sid}"><button type="submit">Push session-revoked</button></form></td>
</tr>`,
  );
  const body = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Provider console</title></head>
<body>
<h1>Provider console</h1>
<p>The app's sessions signed in through this identity provider. "Push session-revoked" sends the app a signed CAEP
session-revoked Security Event Token for that provider session, as an administrator ending a session at the provider would.</p>
${outcome}
${sessions.length === 0 ? html`<p>No session of the app came through this provider yet: sign in with the identity provider first.</p>` : html`<table><thead><tr><th>User</th><th>Device</th><th>Provider session</th><th></th></tr></thead><tbody>${rows}</tbody></table>`}
</body>
</html>`;
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body.value);
}
