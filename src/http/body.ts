import { isPlainObject } from '../option-checks.js';
import { parseJson } from '../parse-json.js';
import type { HttpRequest } from './request.js';

// The server-to-server routes' bodies: from the stream, or what the app's body parser kept; over `limit` bytes, none.

/** The body as text: from the stream, or the text or bytes a body parser kept (`express.text()`, `express.raw()`, Hono's cache). */
export async function readBodyText(request: HttpRequest, limit: number): Promise<string | undefined> {
  const sent = await readSent(request, limit);
  return sent.kind === 'text' ? sent.text : undefined;
}

/** The body as JSON: parsed from the stream or kept text, or the object or array a JSON parser made of it, measured as JSON again. */
export async function readJsonBody(request: HttpRequest, limit: number): Promise<unknown> {
  const sent = await readSent(request, limit);
  if (sent.kind === 'text') return sent.text === undefined ? undefined : parseJson(sent.text);
  if (!Array.isArray(sent.parsed) && !isPlainObject(sent.parsed)) return undefined;
  try {
    return Buffer.byteLength(JSON.stringify(sent.parsed)) <= limit ? sent.parsed : undefined;
  } catch {
    return undefined;
  }
}

type Sent = { readonly kind: 'text'; readonly text: string | undefined } | { readonly kind: 'parsed'; readonly parsed: unknown };

// The body as sent when it is text (the stream's, or the text or bytes a parser kept; over `limit` bytes, none), else what a parser made of it.
async function readSent(request: HttpRequest, limit: number): Promise<Sent> {
  const body = await (request.readBody?.(limit) ?? Promise.resolve(null)).catch(() => null);
  const parsed = body === null ? await (request.parsedBody?.() ?? Promise.resolve(undefined)).catch(() => undefined) : undefined;
  const text = body ?? textOf(parsed);
  if (text !== undefined) return { kind: 'text', text: Buffer.byteLength(text) <= limit ? text : undefined };
  return { kind: 'parsed', parsed };
}

/** The one value of a field of a urlencoded form, from the stream, a parser's kept text or bytes, or its plain object; a repeated field or other shape is none. */
export async function readFormField(request: HttpRequest, name: string, limit: number): Promise<string | undefined> {
  const sent = await readSent(request, limit);
  if (sent.kind === 'text') {
    const values = sent.text === undefined ? [] : new URLSearchParams(sent.text).getAll(name);
    return values.length === 1 ? values[0] : undefined;
  }
  const { parsed } = sent;
  if (!isPlainObject(parsed)) return undefined;
  const value = Object.hasOwn(parsed, name) ? parsed[name] : undefined;
  return typeof value === 'string' && formSize(parsed) <= limit ? value : undefined;
}

// The size in bytes of a parsed form sent again as a form; infinite when a value is not text.
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

function textOf(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return parsed;
  return parsed instanceof Uint8Array ? Buffer.from(parsed).toString('utf8') : undefined;
}
