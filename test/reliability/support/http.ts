import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** A response as the reliability tests read it. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON, or undefined. */
  readonly json: unknown;
  readonly setCookies: readonly string[];
}

// Keep-alive, so fifty clients do not open a connection per request.
const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1_000 });

function parseJson(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * One HTTP request to 127.0.0.1:`port` through a keep-alive agent. Rejects with an Error whose
 * message starts with "timeout" after `timeoutMs`: a request that hangs is a broken promise
 * of its own, and the caller records it.
 */
export function send(
  port: number,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
  timeoutMs = 10_000,
): Promise<Reply> {
  return attempt(port, method, path, headers, timeoutMs).catch((error: unknown) => {
    // A kept-alive socket the server closed just as this request was written on it: the
    // request never reached the app, so Node's documented answer is to send it once more on a
    // new socket.
    if (error instanceof StaleSocketError) return attempt(port, method, path, headers, timeoutMs);
    throw error;
  });
}

class StaleSocketError extends Error {}

function attempt(port: number, method: string, path: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).toString('utf8');
        const cookies = res.headers['set-cookie'] ?? [];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseJson(body), setCookies: cookies });
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`));
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const stale = req.reusedSocket && !answered && error.code === 'ECONNRESET';
      reject(stale ? new StaleSocketError(error.message, { cause: error }) : error);
    });
    req.end();
  });
}

/** The value of cookie `name` set by a response (undefined when not set, "" when cleared). */
export function cookieSet(reply: Reply, name: string): string | undefined {
  for (const header of reply.setCookies) {
    const [pair = ''] = header.split(';');
    const equals = pair.indexOf('=');
    if (pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

/** A response read off a raw socket. `status` 0: the server closed without answering. */
export interface RawReply {
  readonly status: number;
  /** Header lines, names in lower case; repeated names keep every value. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** The first value of header `name` of a raw reply. */
export function rawHeader(reply: RawReply, name: string): string | undefined {
  return reply.headers.find(([key]) => key === name)?.[1];
}

/**
 * Writes `bytes` (a whole HTTP/1.1 request, any bytes at all) on a fresh connection to
 * 127.0.0.1:`port` and reads until the server closes it. For what Node's own client refuses to
 * send: control characters, non-Latin-1 bytes, malformed header lines. The request should
 * carry `Connection: close`.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timeout after ${timeoutMs} ms on a raw request`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server may reset a connection it refused while we were still writing: what it sent
    // before is the answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRaw(Buffer.concat(chunks)));
    });
    // Written without a FIN: a server may drop a half-closed connection before its async
    // handler answers. `Connection: close` makes the server close it once it has answered.
    socket.on('connect', () => {
      socket.write(bytes);
    });
  });
}

function parseRaw(data: Buffer): RawReply {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: [], body: text };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
  });
  let body = text.slice(end + 4);
  // Chunked bodies are small here: strip the framing enough to read a JSON error.
  if (headers.some(([key, value]) => key === 'transfer-encoding' && /chunked/i.test(value))) {
    body = body.replace(/^[0-9a-fA-F]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '');
  }
  return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}

/** Builds raw request bytes from a request line and header lines (values as bytes or text). */
export function rawRequest(method: string, target: string | Buffer, headers: ReadonlyArray<readonly [string, string | Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from(`${method} `), Buffer.isBuffer(target) ? target : Buffer.from(target, 'utf8'), Buffer.from(' HTTP/1.1\r\n')];
  for (const [name, value] of headers) {
    parts.push(Buffer.from(`${name}: `), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('Connection: close\r\n\r\n'));
  return Buffer.concat(parts);
}
