import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake transmitter received, as it arrived. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  /** The body parsed as JSON, or the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
}

/** What a test can change in the fake transmitter's behaviour. */
export interface FakeTransmitterOptions {
  /** The port to listen on (127.0.0.1). */
  readonly port: number;
  /** A path after the host in the issuer (`/tenant1`), as multi-tenant transmitters have. */
  readonly issuerPath?: string;
  /** The bearer token the management API accepts. */
  readonly token: string;
  /** One stream per receiver, as Okta: a second create answers 409. @default false */
  readonly oneStream?: boolean;
  /** The `iss` the stream configurations name (default: the issuer). */
  readonly streamIssuer?: string;
  /** What every stream id starts with, before its number. @default 'stream-' */
  readonly streamIdPrefix?: string;
  /** Changes to the metadata document (e.g. a plain-http endpoint elsewhere). */
  readonly metadata?: Record<string, unknown>;
  /** The status every stream reports. */
  readonly status?: { readonly status: string; readonly reason?: string };
}

/** A fake SSF transmitter on the loopback: the stream management API of SSF 1.0, recording every request. */
export interface FakeTransmitter {
  readonly issuer: string;
  readonly requests: RecordedRequest[];
  /** The poll endpoint it gives streams created with poll delivery. */
  readonly pollUrl: string;
  close(): Promise<void>;
}

const SUPPORTED = [
  'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'https://schemas.openid.net/secevent/ssf/event-type/verification',
];

/**
 * Starts the fake transmitter: the metadata at `/.well-known/ssf-configuration<issuer path>`
 * ("Obtaining Transmitter Configuration Metadata"), a configuration endpoint (POST creates,
 * GET reads one or all: "Creating a Stream", "Reading a Stream's Configuration"), a status
 * endpoint ("Reading a Stream's Status") and a verification endpoint ("Triggering a
 * Verification Event"), each answering with the status codes of the section's error table.
 */
export async function startFakeTransmitter(options: FakeTransmitterOptions): Promise<FakeTransmitter> {
  const origin = `http://127.0.0.1:${options.port}`;
  const issuer = `${origin}${options.issuerPath ?? ''}`;
  const base = `${origin}${options.issuerPath ?? ''}/ssf`;
  const requests: RecordedRequest[] = [];
  const streams = new Map<string, Record<string, unknown>>();
  let counter = 0;

  const metadata = {
    spec_version: '1_0',
    issuer,
    jwks_uri: `${base}/jwks`,
    delivery_methods_supported: ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'],
    configuration_endpoint: `${base}/stream`,
    status_endpoint: `${base}/status`,
    verification_endpoint: `${base}/verify`,
    ...options.metadata,
  };

  const answer = (response: ServerResponse, status: number, body?: unknown): void => {
    response.writeHead(status, body === undefined ? { 'cache-control': 'no-store' } : { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const handle = (request: IncomingMessage, text: string, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', origin);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body,
    });
    const path = url.pathname;
    if (request.method === 'GET' && path === `/.well-known/ssf-configuration${options.issuerPath ?? ''}`) return answer(response, 200, metadata);
    if (!path.startsWith(`${options.issuerPath ?? ''}/ssf/`)) return answer(response, 404);
    if (request.headers.authorization !== `Bearer ${options.token}`) return answer(response, 401, { error: 'invalid_token' });
    const endpoint = path.slice(`${options.issuerPath ?? ''}/ssf/`.length);
    const streamId = url.searchParams.get('stream_id');

    if (endpoint === 'stream' && request.method === 'POST') {
      if (typeof body !== 'object' || body === null) return answer(response, 400);
      if (options.oneStream === true && streams.size > 0) return answer(response, 409);
      const requested = body as { delivery?: Record<string, unknown>; events_requested?: string[]; description?: string };
      const id = `${options.streamIdPrefix ?? 'stream-'}${++counter}`;
      const method = requested.delivery?.['method'] ?? 'urn:ietf:rfc:8936';
      const delivery = method === 'urn:ietf:rfc:8936' ? { method, endpoint_url: `${base}/poll/${id}` } : { method, endpoint_url: requested.delivery?.['endpoint_url'] };
      const stream = {
        stream_id: id,
        iss: options.streamIssuer ?? issuer,
        aud: 'https://receiver.example/app',
        delivery,
        events_supported: SUPPORTED,
        events_requested: requested.events_requested ?? [],
        events_delivered: SUPPORTED.filter((event) => (requested.events_requested ?? []).includes(event)),
        ...(requested.description === undefined ? {} : { description: requested.description }),
      };
      streams.set(id, stream);
      return answer(response, 201, stream);
    }
    if (endpoint === 'stream' && request.method === 'GET') {
      if (streamId === null) return answer(response, 200, [...streams.values()]);
      const stream = streams.get(streamId);
      return stream === undefined ? answer(response, 404) : answer(response, 200, stream);
    }
    if (endpoint === 'status' && request.method === 'GET') {
      if (streamId === null) return answer(response, 400);
      if (!streams.has(streamId)) return answer(response, 404);
      return answer(response, 200, { stream_id: streamId, ...(options.status ?? { status: 'enabled' }) });
    }
    if (endpoint === 'verify' && request.method === 'POST') {
      const id = (body as { stream_id?: unknown } | undefined)?.stream_id;
      if (typeof id !== 'string') return answer(response, 400);
      if (!streams.has(id)) return answer(response, 404);
      return answer(response, 204);
    }
    return answer(response, 405);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (port !== options.port) throw new Error(`listening on ${port}, not ${options.port}`);
  return {
    issuer,
    requests,
    pollUrl: `${base}/poll/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
