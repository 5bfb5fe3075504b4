import { isPlainObject } from '../option-checks.js';
import { parseJson } from '../parse-json.js';
import type { HttpRequest } from './request.js';

// The server-to-server routes' bodies: from the stream, or what the app's body parser kept; over `limit` bytes, none.

/** The body as text: from the stream, or the text or bytes a body parser kept (`express.text()`, `express.raw()`, Hono's cache). */
export async function readBodyText(request: HttpRequest, limit: number): Promise<string | undefined> {
  const read = await readOrParsed(request, limit);
  if (read.kind === 'stream') return read.text;
  const text = textOf(read.parsed);
  return text !== undefined && Buffer.byteLength(text) <= limit ? text : undefined;
}

/** The body as JSON: parsed from the stream or kept text, or the object or array a JSON parser made of it, measured as JSON again. */
export async function readJsonBody(request: HttpRequest, limit: number): Promise<unknown> {
  const read = await readOrParsed(request, limit);
  const text = read.kind === 'stream' ? read.text : textOf(read.parsed);
  if (text !== undefined) return Buffer.byteLength(text) <= limit ? parseJson(text) : undefined;
  const { parsed } = read as { readonly parsed: unknown };
  if (!Array.isArray(parsed) && !isPlainObject(parsed)) return undefined;
  try {
    return Buffer.byteLength(JSON.stringify(parsed)) <= limit ? parsed : undefined;
  } catch {
    return undefined;
  }
}

type Read = { readonly kind: 'stream'; readonly text: string } | { readonly kind: 'parsed'; readonly parsed: unknown };

async function readOrParsed(request: HttpRequest, limit: number): Promise<Read> {
  const body = await (request.readBody?.(limit) ?? Promise.resolve(null)).catch(() => null);
  if (body !== null) return { kind: 'stream', text: body };
  return { kind: 'parsed', parsed: await (request.parsedBody?.() ?? Promise.resolve(undefined)).catch(() => undefined) };
}

/** The one value of a field of a urlencoded form, from the stream, a parser's kept text or bytes, or its plain object; a repeated field or other shape is none. */
export async function readFormField(request: HttpRequest, name: string, limit: number): Promise<string | undefined> {
  const read = await readOrParsed(request, limit);
  // The text or bytes a parser kept (`express.text()`, `express.raw()`) are the form as sent, as readBodyText takes them.
  const text = read.kind === 'stream' ? read.text : textOf(read.parsed);
  if (text !== undefined) {
    const values = Buffer.byteLength(text) <= limit ? new URLSearchParams(text).getAll(name) : [];
    return values.length === 1 ? values[0] : undefined;
  }
  const { parsed } = read as { readonly parsed: unknown };
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
