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

/** Writes a streaming response's body on a Node response (`res`, `ctx.res`, `reply.raw`) until the connection closes. */
export function streamToNode(stream: HttpStream, res: NodeStreamTarget): void {
  res.flushHeaders();
  let ended = false;
  const stop = stream.open({
    write: (chunk) => void (ended || res.write(chunk)),
    end: () => {
      if (ended) return;
      ended = true;
      res.end();
    },
  });
  const close = (): void => {
    ended = true;
    stop();
  };
  res.once('close', close);
  // A client that left while the middleware was still working has already fired "close".
  if (res.destroyed === true) close();
}

/** A streaming response's body as a Web `ReadableStream` for `new Response()`, stopped when the reader cancels. */
export function streamToWeb(stream: HttpStream): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: (() => void) | undefined;
  let ended = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stop = stream.open({
        write: (chunk) => {
          if (!ended) controller.enqueue(encoder.encode(chunk));
        },
        end: () => {
          if (ended) return;
          ended = true;
          controller.close();
        },
      });
    },
    cancel() {
      ended = true;
      stop?.();
    },
  });
}
