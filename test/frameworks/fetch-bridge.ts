import { Readable } from 'node:stream';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';

/**
 * Serves a Fetch handler on `node:http`, as Bun, Deno or Next.js would: the Node request becomes
 * a Web `Request`, the `Response` is written back. The client address is handed over the way
 * those runtimes hand theirs (the handler's second argument).
 */
export type FetchApp = (request: Request, connection: { readonly remoteAddress: string | undefined }) => Promise<Response>;

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  // Every line as received, as the runtimes build their Headers (Node's req.headers keeps one line of a repeated Authorization).
  const headers = new Headers();
  for (let index = 0; index < req.rawHeaders.length; index += 2) headers.append(req.rawHeaders[index]!, req.rawHeaders[index + 1]!);
  const method = req.method ?? 'GET';
  // The body streams in as it arrives, as the runtimes hand it: the handler starts on the headers.
  const body = method === 'GET' || method === 'HEAD' ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body, signal, duplex: 'half' } as RequestInit);
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, cancels: boolean): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (req.method === 'HEAD' || response.body === null) {
    await response.body?.cancel();
    res.end();
    return;
  }
  // Streamed as it comes, as the runtimes do (a Server-Sent Events body never ends by itself);
  // a client that leaves cancels the body, or (`cancels` false) is only dropped.
  res.flushHeaders();
  const reader = response.body.getReader();
  if (cancels) res.once('close', () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { value, done } = await reader.read();
    if (done || res.destroyed) break;
    res.write(value);
  }
  res.end();
}

/**
 * How the runtime tells a streamed response that its client left: it aborts `request.signal` either way, and
 * cancels the body too (Node's Hono server, Deno) or not (several of Node's Fetch bridges, Bun at times).
 */
export type ClientLeaving = 'cancels the body' | 'aborts the signal only';

/**
 * The `node:http` request listener running `app`; a thrown error is a `500`, as in every runtime.
 * `origin` is the scheme, host and port of `request.url` (the runtimes take it from the
 * listening address); by default the host alone.
 */
export function fetchListener(app: FetchApp, origin = 'http://127.0.0.1', leaving: ClientLeaving = 'cancels the body'): RequestListener {
  return async function fetchListener(req, res) {
    const gone = new AbortController();
    res.once('close', () => res.writableFinished || gone.abort());
    try {
      const response = await app(toRequest(req, origin, gone.signal), { remoteAddress: req.socket.remoteAddress });
      await writeResponse(req, res, response, leaving === 'cancels the body');
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    }
  };
}

/** A `node:http` server running `app`; see {@link fetchListener}. */
export function serveFetch(app: FetchApp, leaving?: ClientLeaving): Server {
  return createServer(fetchListener(app, undefined, leaving));
}
