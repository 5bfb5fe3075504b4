import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import { readLimited } from '../read-limited.js';

/** The few facts every decision of the HTTP layer is taken from; see {@link fromNodeRequest} and {@link fromFetchRequest}. */
export interface HttpRequest {
  /** The request method, upper case: `"GET"`, `"POST"`. */
  readonly method: string;
  /** The request target as received from the client: path and query, e.g. `"/dashboard?tab=2"`. */
  readonly url: string;
  /** Looks up a header by its lower-case name; a repeated header comes back with its lines joined by `", "`, as `Headers.get()` joins them (`cookie` as Node.js joins it). */
  header(name: string): string | undefined;
  /** HTTP/2's `:authority` (`"app.example:8443"`), which stands for the `Host` line HTTP/2 clients leave out; `undefined` over HTTP/1. */
  readonly authority?: string | undefined;
  /** The peer address of the connection (the proxy's, behind one). */
  readonly remoteAddress?: string | undefined;
  /** Whether the connection itself is TLS (not what a proxy says it was). */
  readonly encrypted: boolean;
  /** Reads the body as text for the routes that take one; `null` when over `limit` bytes (the rest is read and dropped) or already read. */
  readBody?(limit: number): Promise<string | null>;
  /** What a body parser that ran first made of the body (Express's `req.body`), asked when `readBody` answers `null`. */
  parsedBody?(): Promise<unknown>;
}

/**
 * Builds an {@link HttpRequest} from a Node.js request (Express, Fastify's `request.raw`, Koa's `ctx.req`).
 * @param url - The request target when the framework rewrote `raw.url` (Express's `req.originalUrl`). @default raw.url
 * @param bodyHolder - Where a body parser puts the parsed `body` (Express's `req`, Koa's `ctx.request`). @default none
 */
export function fromNodeRequest(raw: IncomingMessage, url?: string, bodyHolder?: object): HttpRequest {
  return new NodeRequest(raw, url, bodyHolder);
}

/** {@link fromNodeRequest}'s object: headers read once (Express's getters are slow), the peer address only when asked. */
export class NodeRequest implements HttpRequest {
  readonly #raw: IncomingMessage;
  readonly #headers: IncomingMessage['headers'];
  readonly #bodyHolder: object | undefined;
  readonly method: string;
  readonly url: string;

  constructor(raw: IncomingMessage, url: string = raw.url ?? '/', bodyHolder?: object) {
    this.#raw = raw;
    this.#headers = raw.headers;
    this.#bodyHolder = bodyHolder;
    this.method = raw.method ?? 'GET';
    this.url = url;
  }

  header(name: string): string | undefined {
    const value = this.#headers[name];
    if (Array.isArray(value)) return value.join(', ');
    return value !== undefined && KEPT_ONCE.has(name) ? (joinedLines(this.#raw.rawHeaders ?? [], name) ?? value) : value;
  }

  get authority(): string | undefined {
    const value = this.#headers[':authority'];
    return typeof value === 'string' ? value : undefined;
  }

  get remoteAddress(): string | undefined {
    return this.#raw.socket.remoteAddress;
  }

  get encrypted(): boolean {
    const { socket } = this.#raw;
    return 'encrypted' in socket && socket.encrypted === true;
  }

  // Past the limit: null at once, the rest read and dropped as body parsers do (destroyed, it would never be answered); a MiB more is destroyed.
  readBody(limit: number): Promise<string | null> {
    const raw = this.#raw;
    if (raw.readableEnded || raw.readableDidRead) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const collect = (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= limit) return void chunks.push(chunk);
        resolve(null);
        if (size > limit + 1024 * 1024) raw.destroy();
      };
      raw.on('data', collect).resume();
      finished(raw).then(() => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')), reject).finally(() => raw.off('data', collect));
    });
  }

  parsedBody(): Promise<unknown> {
    return Promise.resolve(this.#bodyHolder === undefined ? undefined : (this.#bodyHolder as { body?: unknown }).body);
  }
}

// Node.js keeps the first line of these when a client repeats one, a Fetch runtime joins them: joined here too, so every wrapper judges one value.
const KEPT_ONCE = new Set(['authorization', 'content-type', 'host', 'referer', 'user-agent']);

/** Every line of header `name` (lower case) joined with `", "` as `Headers.get()` joins them, or `undefined` when it came once. */
function joinedLines(rawHeaders: readonly string[], name: string): string | undefined {
  const lines: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const raw = rawHeaders[index]!;
    if (raw.length === name.length && raw.toLowerCase() === name) lines.push(rawHeaders[index + 1]!);
  }
  return lines.length > 1 ? lines.join(', ') : undefined;
}

/** What a Fetch runtime knows about the connection that the `Request` itself does not carry. */
export interface FetchRequestInfo {
  /**
   * The client's address as the runtime reports it (Hono's `getConnInfo(c).remote.address`, Bun's
   * `server.requestIP(request)?.address`, Deno's `info.remoteAddr.hostname`), stored with a session.
   */
  readonly remoteAddress?: string | undefined;
  /**
   * Whether the connection itself is TLS. Pass it when the runtime knows: some frameworks build
   * `request.url` from `X-Forwarded-Proto`, which any client can send.
   * @default the request URL's scheme is `https:`
   */
  readonly encrypted?: boolean | undefined;
  /** What the framework made of a body the app parsed first (Hono: `() => c.req.parseBody({ all: true })`, from Hono's cache). */
  readonly parsedBody?: (() => Promise<unknown>) | undefined;
}

/**
 * Builds an {@link HttpRequest} from a Web `Request`, for Fetch runtimes.
 *
 * @example
 * ```ts
 * import { fromFetchRequest } from 'session-revocation/http';
 *
 * export async function GET(request: Request) {
 *   const httpRequest = fromFetchRequest(request, { remoteAddress: clientAddressFromYourRuntime });
 *   // ... createSessionHttp(sessions).attach(httpRequest, target)
 * }
 * ```
 */
export function fromFetchRequest(request: Request, info: FetchRequestInfo = {}): HttpRequest {
  const url = new URL(request.url);
  const { headers } = request;
  return {
    method: request.method.toUpperCase(),
    url: url.pathname + url.search,
    header: (name) => headers.get(name) ?? undefined,
    // A runtime drops the pseudo-headers and builds the URL from `:authority`; with a Host line the URL may carry the framework's own host name.
    get authority() {
      return headers.has('host') ? undefined : url.host;
    },
    remoteAddress: info.remoteAddress,
    encrypted: info.encrypted ?? url.protocol === 'https:',
    readBody: (limit) => readFetchBody(request, limit),
    parsedBody: info.parsedBody,
  };
}

/** The origin-form of a request target (`/path?query`): an absolute-form one keeps its path and query, anything else is `"/"`. */
export function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return '/';
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** The path of a request target, without query or fragment. */
export function requestPath(url: string): string {
  const target = originForm(url);
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

async function readFetchBody(request: Request, limit: number): Promise<string | null> {
  if (request.bodyUsed) return null;
  if (request.body === null) return '';
  return (await readLimited(request.body, limit))?.toString('utf8') ?? null;
}

/** The media type of the request body, lower case, without parameters. */
export function mediaType(request: HttpRequest): string | undefined {
  return request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
}
