import type { IncomingMessage } from 'node:http';

/**
 * The few facts the HTTP layer reads from a request, whatever the framework: a wrapper fills
 * this in and nothing else (in the spirit of hono's `GetConnInfo`). Every decision is taken
 * from these fields only.
 *
 * {@link fromNodeRequest} builds one from a Node.js request (Express, Fastify, Koa),
 * {@link fromFetchRequest} from a Web `Request` (Hono, Next.js route handlers, Bun, Deno).
 */
export interface HttpRequest {
  /** The request method, upper case: `"GET"`, `"POST"`. */
  readonly method: string;
  /** The request target as received from the client: path and query, e.g. `"/dashboard?tab=2"`. */
  readonly url: string;
  /**
   * Looks up a header by its lower-case name. Repeated headers come back joined (`", "`, or
   * `"; "` for `cookie`), as Node.js joins them.
   */
  header(name: string): string | undefined;
  /** The peer address of the connection (the proxy's, behind one). */
  readonly remoteAddress?: string | undefined;
  /** Whether the connection itself is TLS (not what a proxy says it was). */
  readonly encrypted: boolean;
  /**
   * Reads the request body as text, for the few routes that take one (the back-channel logout
   * form). Answers `null` when it is longer than `limit` bytes or was already read by a body
   * parser. Absent on an accessor that cannot read bodies: those routes then answer 400.
   */
  readBody?(limit: number): Promise<string | null>;
  /**
   * What a body parser that ran before the route made of the body (Express's `req.body`, Koa's
   * `ctx.request.body`, Hono's parsed form), asked whenever `readBody` answers `null`: the
   * stream already read, or longer than the limit. The route judges it: only a plain object of
   * strings is a form, and it is measured against the route's own size limit, since the
   * parser read it under the app's. Absent when the framework keeps no parsed body.
   */
  parsedBody?(): Promise<unknown>;
}

/**
 * Builds an {@link HttpRequest} from a Node.js request: what Express, Fastify (`request.raw`)
 * and Koa (`ctx.req`) all run on.
 *
 * @param raw - The Node.js request.
 * @param url - The request target when the framework rewrote `raw.url` (Express's
 * `req.originalUrl` inside a mounted router). @default raw.url
 * @param bodyHolder - The object a body parser puts the parsed body on as `body` (Express's
 * `req`, Koa's `ctx.request`), read when a route finds the stream already consumed. @default none
 * @returns The accessor the HTTP layer reads.
 */
export function fromNodeRequest(raw: IncomingMessage, url: string = raw.url ?? '/', bodyHolder?: object): HttpRequest {
  return new NodeRequest(raw, url, bodyHolder);
}

// One object per request with its methods on the prototype (no closure per request), and the
// peer address read only when asked: most requests never need it.
class NodeRequest implements HttpRequest {
  readonly #raw: IncomingMessage;
  readonly #bodyHolder: object | undefined;
  readonly method: string;
  readonly url: string;

  constructor(raw: IncomingMessage, url: string, bodyHolder: object | undefined) {
    this.#raw = raw;
    this.#bodyHolder = bodyHolder;
    this.method = raw.method ?? 'GET';
    this.url = url;
  }

  header(name: string): string | undefined {
    const value = this.#raw.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  get remoteAddress(): string | undefined {
    return this.#raw.socket.remoteAddress;
  }

  get encrypted(): boolean {
    const { socket } = this.#raw;
    return 'encrypted' in socket && socket.encrypted === true;
  }

  readBody(limit: number): Promise<string | null> {
    return readNodeBody(this.#raw, limit);
  }

  parsedBody(): Promise<unknown> {
    return Promise.resolve(this.#bodyHolder === undefined ? undefined : (this.#bodyHolder as { body?: unknown }).body);
  }
}

// Stops reading past the limit; a stream a body parser already drained answers null.
async function readNodeBody(raw: IncomingMessage, limit: number): Promise<string | null> {
  if (raw.readableEnded || raw.readableDidRead) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What a Fetch runtime knows about the connection that the `Request` itself does not carry. */
export interface FetchRequestInfo {
  /**
   * The client's address as the runtime reports it (Hono's `getConnInfo(c).remote.address`,
   * Bun's `server.requestIP(request)?.address`, Deno's `info.remoteAddr.hostname`). A `Request`
   * has no socket: without it the IP stored with a session is only what `X-Forwarded-For` says,
   * and only with `trustProxy`.
   */
  readonly remoteAddress?: string | undefined;
  /**
   * Whether the connection itself is TLS. Pass it when the runtime knows: some frameworks build
   * `request.url` from `X-Forwarded-Proto`, a header any client can send, and the scheme then
   * decides the cookie's name and `Secure` without `trustProxy`.
   * @default the request URL's scheme is `https:`
   */
  readonly encrypted?: boolean | undefined;
  /**
   * What the framework made of the body when the app parsed it before the library's routes
   * (Hono: `() => c.req.parseBody({ all: true })`, which answers from Hono's cache). A
   * `Request` whose body was read without such a cache cannot be read again.
   */
  readonly parsedBody?: (() => Promise<unknown>) | undefined;
}

/**
 * Builds an {@link HttpRequest} from a Web `Request`, for Fetch runtimes: the method, the
 * request target as path and query, and header lookups. Several cookies in one `Cookie`
 * header are read as a browser sends them. (A Fetch `Headers` object joins repeated headers
 * with `", "`; a browser sends one `Cookie` header per request, and HTTP/2 servers join the
 * pieces with `"; "` before the runtime sees them.)
 *
 * @param request - The Web request.
 * @param info - What the runtime knows of the connection: the client address, and TLS.
 * @returns The accessor the HTTP layer reads.
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
    remoteAddress: info.remoteAddress,
    encrypted: info.encrypted ?? url.protocol === 'https:',
    readBody: (limit) => readFetchBody(request, limit),
    parsedBody: info.parsedBody,
  };
}

/**
 * The origin-form of a request target (`/path?query`). An absolute-form target
 * (`http://host/path`, which a client may send to any server) keeps only its path and query;
 * anything else becomes `"/"`.
 */
export function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  if (/^https?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      return parsed.pathname + parsed.search;
    } catch {
      return '/';
    }
  }
  return '/';
}

/** The path of a request target, without query or fragment. */
export function requestPath(url: string): string {
  const target = originForm(url);
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

// A Request's body, read chunk by chunk so an oversized one is dropped without being held.
async function readFetchBody(request: Request, limit: number): Promise<string | null> {
  if (request.bodyUsed) return null;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The one value of a form field of an `application/x-www-form-urlencoded` body, read from the
 * stream, or, when a body parser consumed it first, from what that parser made of it. Only a
 * plain object whose field is exactly one string counts: a field repeated (an array), a file,
 * a nested value or any other shape is no value. A body over `limit` bytes has none either,
 * whichever way it arrives: a parsed body is measured as the form it came as (so the value
 * itself is within `limit` too).
 *
 * @param request - The request.
 * @param name - The field.
 * @param limit - Largest body taken, in bytes.
 * @returns The value, or `undefined`.
 */
export async function readFormField(request: HttpRequest, name: string, limit: number): Promise<string | undefined> {
  const body = await (request.readBody?.(limit) ?? Promise.resolve(null)).catch(() => null);
  if (body !== null) {
    const values = new URLSearchParams(body).getAll(name);
    return values.length === 1 ? values[0] : undefined;
  }
  const parsed = await (request.parsedBody?.() ?? Promise.resolve(undefined)).catch(() => undefined);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(parsed);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const value: unknown = Object.hasOwn(parsed, name) ? (parsed as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && formSize(parsed as Record<string, unknown>) <= limit ? value : undefined;
}

// The size in bytes of a parsed form sent again as a form; infinite when a value is not text.
// The app's parser already bounded how many fields there are.
function formSize(parsed: Record<string, unknown>): number {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item !== 'string') return Number.POSITIVE_INFINITY;
      form.append(key, item);
    }
  }
  return Buffer.byteLength(form.toString());
}
