import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { SecurityEventTransmitter } from '../../../src/index.js';

// A Shared Signals transmitter of our own on 127.0.0.1 (no independent one can be installed
// here): SSF discovery (and the older RISC name), a JWKS that counts its fetches and can fail
// or hang, SETs signed with keys we hold (valid and hostile), push to a receiver (RFC 8935),
// and a poll endpoint (RFC 8936) that records what the receiver acknowledges and reports.

/** Event type URIs of CAEP 1.0, RISC 1.0, SSF 1.0 and OAuth Event Types 1.0. */
export const EVENTS = {
  sessionRevoked: 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  credentialChange: 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  accountDisabled: 'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  accountPurged: 'https://schemas.openid.net/secevent/risc/event-type/account-purged',
  accountEnabled: 'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
  identifierChanged: 'https://schemas.openid.net/secevent/risc/event-type/identifier-changed',
  sessionsRevoked: 'https://schemas.openid.net/secevent/risc/event-type/sessions-revoked',
  tokensRevoked: 'https://schemas.openid.net/secevent/oauth/event-type/tokens-revoked',
  verification: 'https://schemas.openid.net/secevent/ssf/event-type/verification',
} as const;

/** How an endpoint answers besides its document: a status, or never (it hangs until released). */
export type FailingAnswer = number | 'hang';

/** How a test wants one SET to differ from a valid one. */
export interface SetShape {
  /** The event type URI. @default CAEP session-revoked */
  readonly type?: string;
  /** The event's own members (the legacy RISC form puts `subject` here). @default {} */
  readonly event?: Record<string, unknown>;
  /** The top-level `sub_id`; `null` leaves it out. @default none */
  readonly subject?: Record<string, unknown> | null;
  /** Claims added or replacing the defaults (`iss`, `aud`, `iat`, `jti`, `events`). */
  readonly claims?: Record<string, unknown>;
  /** Claims left out. */
  readonly drop?: readonly string[];
  /** Header members added or replacing the defaults (`alg` RS256, `typ` secevent+jwt, `kid`). */
  readonly header?: Record<string, unknown>;
  /** Another private key than the published one. */
  readonly signWith?: CryptoKey;
}

/** One poll request the transmitter received (RFC 8936 section 2.4). */
export interface PollRequest {
  readonly authorization: string | undefined;
  readonly ack: readonly string[];
  readonly setErrs: Readonly<Record<string, { err: string; description: string }>>;
  readonly maxEvents: number | undefined;
}

export interface TestTransmitter {
  readonly issuer: string;
  readonly audience: string;
  /** Where the metadata is served: `ssf` (SSF 1.0 section 7.2.1), `risc` (section 7.2.2, Google's), or both. */
  discovery: 'ssf' | 'risc' | 'both';
  /** How the metadata answers. */
  discoveryAnswer: 'metadata' | FailingAnswer;
  /** How the JWKS answers. */
  jwksAnswer: 'keys' | 'not-json' | FailingAnswer;
  /** Metadata members that differ from the true ones. */
  metadata: Record<string, unknown>;
  readonly jwksFetches: number;
  readonly discoveryFetches: { readonly ssf: number; readonly risc: number };
  /** Resolves once a request is left hanging. */
  hanging(): Promise<void>;
  /** Answers every hanging request with this status. */
  releaseHung(status: number): void;
  /** The receiver's configuration for this transmitter, changed as `overrides` says. */
  config(overrides?: Partial<SecurityEventTransmitter>): SecurityEventTransmitter;
  /** A key of no one's. */
  readonly otherKey: CryptoKey;
  /** Publishes a new signing key; the next SETs are signed with it. */
  publishKey(): Promise<void>;
  /** A SET signed with the published key, changed as `shape` says. */
  sign(shape?: SetShape): Promise<string>;
  /** `payload` as it is, signed with the published key: JSON that jose's `SignJWT` cannot write. */
  signRaw(payload: string): Promise<string>;
  /** An unsigned SET (`alg` none), which jose refuses to make. */
  unsigned(shape?: SetShape): string;
  /** A SET signed HS256 with the published public key (its SPKI PEM) as the secret. */
  hmacWithPublicKey(shape?: SetShape): Promise<string>;
  /** Pushes a SET to a receiver's URL (RFC 8935 section 2). */
  push(url: string, set: string, options?: { authorization?: string; contentType?: string }): Promise<Response>;
  /** The poll endpoint's URL (RFC 8936). */
  readonly pollUrl: string;
  /** SETs waiting to be polled, by jti, oldest first. */
  queue(...sets: string[]): void;
  /** The Authorization value the poll endpoint requires, if any (else 401). */
  pollAuthorization: string | undefined;
  /** How the next poll requests answer, in turn (`undefined`: as the queue says); what one answered above 299 acknowledges stays queued. */
  pollAnswers: Array<FailingAnswer | undefined>;
  /** Every poll request received, in order. */
  readonly polls: readonly PollRequest[];
  /** SETs still queued (not acknowledged nor reported). */
  readonly pending: readonly string[];
  /** Drops SETs from the queue as unknown: a request acknowledging one is answered 400 `invalid_request` (RFC 8936 section 2.4.4). */
  forget(...jtis: string[]): void;
  close(): Promise<void>;
}

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts a {@link TestTransmitter} on a free loopback port (or `port`). */
export async function startTransmitter({ audience = 'https://receiver.example/app', path = '', port = 0 }: { audience?: string; path?: string; port?: number } = {}): Promise<TestTransmitter> {
  const keys: JWK[] = [{ ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'unused', alg: 'RS256', use: 'sig' }];
  let signing: { key: CryptoKey; publicPem: string; kid: string } | undefined;
  const hung = new Set<ServerResponse>();
  const waiters: Array<() => void> = [];
  const queued: Array<{ jti: string; set: string }> = [];
  const polls: PollRequest[] = [];
  const forgotten = new Set<string>();
  const fetches = { jwks: 0, ssf: 0, risc: 0 };
  let origin = '';

  // The handler reads the returned object at each request: a test's `jwksAnswer = 503` takes effect at once.
  let state: TestTransmitter;
  const fail = (response: ServerResponse, answer: FailingAnswer): void => {
    if (answer === 'hang') {
      hung.add(response);
      for (const resolve of waiters.splice(0)) resolve();
    } else response.writeHead(answer, { 'content-type': 'text/plain' }).end('unavailable');
  };
  const json = (response: ServerResponse, body: unknown): void => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const poll = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const authorization = request.headers.authorization;
    const body = JSON.parse((await readBody(request)) || '{}') as { ack?: string[]; setErrs?: PollRequest['setErrs']; maxEvents?: number };
    polls.push({ authorization, ack: body.ack ?? [], setErrs: body.setErrs ?? {}, maxEvents: body.maxEvents });
    if (state.pollAuthorization !== undefined && authorization !== state.pollAuthorization) return void response.writeHead(401).end();
    if ((body.ack ?? []).some((jti) => forgotten.has(jti))) {
      return void response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ err: 'invalid_request', description: 'Unknown SET acknowledged.' }));
    }
    const answer = state.pollAnswers.shift();
    const taken = answer === undefined || (typeof answer === 'number' && answer < 300);
    if (!taken) return fail(response, answer);
    // RFC 8936 section 2.4: what was acknowledged or reported is not delivered again.
    const done = new Set([...(body.ack ?? []), ...Object.keys(body.setErrs ?? {})]);
    for (let index = queued.length - 1; index >= 0; index--) if (done.has(queued[index]!.jti)) queued.splice(index, 1);
    if (answer !== undefined) return void response.writeHead(answer).end();
    const max = body.maxEvents ?? queued.length;
    const served = queued.slice(0, max);
    json(response, { sets: Object.fromEntries(served.map(({ jti, set }) => [jti, set])), moreAvailable: queued.length > served.length });
  };

  // SSF 1.0 section 7.2.1: the well-known name goes before the issuer's path, less a trailing "/".
  const issuerPath = path.replace(/\/$/, '');
  const server = createServer(function testTransmitter(request, response) {
    const url = new URL(request.url ?? '/', 'http://x');
    const metadataName = url.pathname === `/.well-known/ssf-configuration${issuerPath}` ? 'ssf' : url.pathname === `/.well-known/risc-configuration${issuerPath}` ? 'risc' : undefined;
    if (metadataName !== undefined) {
      fetches[metadataName] += 1;
      if (state.discovery !== 'both' && state.discovery !== metadataName) return void response.writeHead(404).end();
      if (state.discoveryAnswer !== 'metadata') return fail(response, state.discoveryAnswer);
      return json(response, { spec_version: '1_0', issuer: `${origin}${path}`, jwks_uri: `${origin}/jwks`, delivery_methods_supported: ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'], ...state.metadata });
    }
    if (url.pathname === '/jwks') {
      fetches.jwks += 1;
      const answer = state.jwksAnswer;
      if (answer === 'keys') return json(response, { keys });
      if (answer === 'not-json') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
      return fail(response, answer);
    }
    if (url.pathname === '/poll' && request.method === 'POST') {
      poll(request, response).catch(() => response.writeHead(400).end());
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${path}`;

  const publishKey = async (): Promise<void> => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const kid = `k${keys.length}`;
    signing = { key: pair.privateKey, publicPem: await exportSPKI(pair.publicKey), kid };
    keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
  };
  await publishKey();

  const payloadOf = ({ type = EVENTS.sessionRevoked, event = {}, subject = null, claims = {}, drop = [] }: SetShape): Record<string, unknown> => {
    const payload: Record<string, unknown> = { iss: issuer, aud: audience, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), events: { [type]: event }, ...(subject === null ? {} : { sub_id: subject }), ...claims };
    for (const name of drop) delete payload[name];
    return payload;
  };

  state = {
    discovery: 'ssf',
    discoveryAnswer: 'metadata',
    jwksAnswer: 'keys',
    metadata: {},
    pollAuthorization: undefined,
    pollAnswers: [],
    issuer,
    audience,
    get jwksFetches() {
      return fetches.jwks;
    },
    get discoveryFetches() {
      return { ssf: fetches.ssf, risc: fetches.risc };
    },
    hanging: () => (hung.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => void waiters.push(resolve))),
    releaseHung(status: number) {
      for (const response of hung) response.writeHead(status, { 'content-type': 'text/plain' }).end('unavailable');
      hung.clear();
    },
    config: (overrides: Partial<SecurityEventTransmitter> = {}): SecurityEventTransmitter => ({ issuer, audience, ...overrides }),
    otherKey: (await generateKeyPair('RS256')).privateKey,
    publishKey,
    sign(shape: SetShape = {}) {
      return new SignJWT(payloadOf(shape)).setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: signing!.kid, ...shape.header } as never).sign(shape.signWith ?? signing!.key);
    },
    signRaw(payload: string) {
      return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: signing!.kid }).sign(signing!.key);
    },
    unsigned(shape: SetShape = {}) {
      return `${part({ alg: 'none', typ: 'secevent+jwt', ...shape.header })}.${part(payloadOf(shape))}.`;
    },
    hmacWithPublicKey(shape: SetShape = {}) {
      return new SignJWT(payloadOf(shape)).setProtectedHeader({ alg: 'HS256', typ: 'secevent+jwt', kid: signing!.kid, ...shape.header } as never).sign(new TextEncoder().encode(signing!.publicPem));
    },
    push(url: string, set: string, { authorization, contentType = 'application/secevent+jwt' }: { authorization?: string; contentType?: string } = {}) {
      return fetch(url, { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) }, body: set });
    },
    pollUrl: `${origin}/poll`,
    queue(...sets: string[]) {
      for (const set of sets) {
        const jti = JSON.parse(Buffer.from(set.split('.')[1]!, 'base64url').toString('utf8')).jti as string;
        queued.push({ jti, set });
      }
    },
    polls,
    get pending() {
      return queued.map(({ set }) => set);
    },
    forget(...jtis: string[]) {
      for (const jti of jtis) forgotten.add(jti);
      for (let index = queued.length - 1; index >= 0; index--) if (forgotten.has(queued[index]!.jti)) queued.splice(index, 1);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return state;
}
