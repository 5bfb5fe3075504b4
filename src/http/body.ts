import type { HttpRequest } from './request.js';

// The bodies of the server-to-server routes that take text or JSON (a Security Event Token,
// a Universal Logout request), read from the stream, or, when the app's body parser read it
// first, from what that parser kept. Either way a body over the route's limit is none.

/**
 * The body as text: read from the stream (stopping past `limit` bytes), or the text or bytes a
 * body parser kept (Express's `express.text()` or `express.raw()`, Hono's cached text).
 *
 * @param request - The request.
 * @param limit - Largest body taken, in bytes.
 * @returns The text, or `undefined` when there is none or it is over `limit`.
 */
export async function readBodyText(request: HttpRequest, limit: number): Promise<string | undefined> {
  const read = await readOrParsed(request, limit);
  if (read.kind === 'stream') return read.text;
  const text = textOf(read.parsed);
  return text !== undefined && Buffer.byteLength(text) <= limit ? text : undefined;
}

/**
 * The body as JSON: parsed from the stream or from text a body parser kept, or the object or
 * array a JSON parser made of it (Express's `express.json()`, Koa's body parser), measured as
 * JSON again.
 *
 * @param request - The request.
 * @param limit - Largest body taken, in bytes.
 * @returns The value, or `undefined` when there is none, it is not JSON or it is over `limit`.
 */
export async function readJsonBody(request: HttpRequest, limit: number): Promise<unknown> {
  const read = await readOrParsed(request, limit);
  const text = read.kind === 'stream' ? read.text : textOf(read.parsed);
  if (text !== undefined) return Buffer.byteLength(text) <= limit ? parseJson(text) : undefined;
  const { parsed } = read as { readonly parsed: unknown };
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(parsed);
  if (!Array.isArray(parsed) && prototype !== Object.prototype && prototype !== null) return undefined;
  try {
    return Buffer.byteLength(JSON.stringify(parsed)) <= limit ? parsed : undefined;
  } catch {
    return undefined;
  }
}

type Read = { readonly kind: 'stream'; readonly text: string } | { readonly kind: 'parsed'; readonly parsed: unknown };

// The stream first; what a parser kept only when the stream was already read or over the limit.
async function readOrParsed(request: HttpRequest, limit: number): Promise<Read> {
  const body = await (request.readBody?.(limit) ?? Promise.resolve(null)).catch(() => null);
  if (body !== null) return { kind: 'stream', text: body };
  return { kind: 'parsed', parsed: await (request.parsedBody?.() ?? Promise.resolve(undefined)).catch(() => undefined) };
}

function textOf(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return parsed;
  return parsed instanceof Uint8Array ? Buffer.from(parsed).toString('utf8') : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
