import type { HttpStream } from './response.js';

// Structural types: nothing here imports `node:*`, so the Web runtimes load it.

/** The part of Node's `ServerResponse` a stream is written to. */
export interface NodeStreamTarget {
  /** Sends the status line and headers now, before the first chunk. */
  flushHeaders(): void;
  /** Sends a chunk of the body. */
  write(chunk: string): unknown;
  /** Ends the response. */
  end(): unknown;
  /** `"close"` once the response ended or the client went away. */
  once(event: 'close', listener: () => void): unknown;
  /** True once the connection is gone (it may have gone before the listener was added). */
  readonly destroyed?: boolean;
}

/** Opens `stream` on `write` and `end`: nothing reaches them after its end or after the returned close, which stops the stream. */
function openUntilClosed(stream: HttpStream, write: (chunk: string) => unknown, end: () => unknown): () => void {
  let ended = false;
  const stop = stream.open({
    write: (chunk) => void (ended || write(chunk)),
    end: () => {
      if (ended) return;
      ended = true;
      end();
    },
  });
  return () => {
    ended = true;
    stop();
  };
}

/** Writes a streaming response's body on a Node response (`res`, `ctx.res`, `reply.raw`) until the connection closes. */
export function streamToNode(stream: HttpStream, res: NodeStreamTarget): void {
  res.flushHeaders();
  const close = openUntilClosed(stream, (chunk) => res.write(chunk), () => res.end());
  res.once('close', close);
  // A client that left while the middleware was still working has already fired "close".
  if (res.destroyed === true) close();
}

/**
 * A streaming response's body as a Web `ReadableStream` for `new Response()`, stopped when the reader cancels or `signal`
 * (the request's) aborts, which also ends the body: several runtimes tell a client's leaving only that way.
 */
export function streamToWeb(stream: HttpStream, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let close: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const stop = openUntilClosed(stream, (chunk) => controller.enqueue(encoder.encode(chunk)), () => controller.close());
      close = stop;
      // The body ends too: a runtime may still be sending it to a page, which would wait on a stream no event reaches.
      const abort = (): void => {
        stop();
        try {
          controller.close();
        } catch {
          // Already ended or cancelled.
        }
      };
      if (signal?.aborted === true) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    },
    cancel() {
      close?.();
    },
  });
}
