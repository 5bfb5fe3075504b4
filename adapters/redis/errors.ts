import { isSessionError, SessionError } from '../../src/errors.js';

// Error replies that mean "Redis is there but cannot serve this now" (loading a dump, a long
// script running, a cluster failing over or resharding): 503 territory, not a bug.
// Out of memory belongs here too: nothing was written, and it passes when memory frees up.
const TRANSIENT_REPLIES = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'NOREPLICAS', 'MOVED', 'ASK', 'OOM']);

// Redis error replies start with an upper-case code word ("ERR ...", "NOSCRIPT ...") by
// protocol convention, in both client libraries; network and client-state errors do not.
const REPLY_CODE = /^([A-Z][A-Z0-9_]+)(?: |$)/;

/** The error code of a Redis error reply, or `undefined` for anything else. */
export function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return REPLY_CODE.exec(error.message)?.[1];
}

/**
 * Maps what a client threw to the SessionError the store contract promises: an error reply is
 * `STORE_ERROR` (Redis answered: a bug or a misconfiguration) unless it is one of the
 * transient ones; everything else (socket closed, connection refused, client offline or
 * closed, our own timeout) is `STORE_UNAVAILABLE`.
 */
export function toSessionError(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  // Some client errors carry no message (node-redis' TimeoutError): their class says it all.
  const detail = error instanceof Error ? error.message || error.constructor.name : String(error);
  const code = replyCode(error);
  if (code === 'ERR' && /unknown (redis )?command/i.test(detail)) {
    return new SessionError('STORE_ERROR', `The Redis session store needs Redis 7.0 or later (EVALSHA_RO, PEXPIRETIME): ${detail}`, { cause: error });
  }
  if (code !== undefined && !TRANSIENT_REPLIES.has(code)) {
    return new SessionError('STORE_ERROR', `The Redis session store failed: ${detail}`, { cause: error });
  }
  if (error instanceof TypeError || error instanceof RangeError || !(error instanceof Error)) {
    return new SessionError('STORE_ERROR', `The Redis session store failed: ${detail}`, { cause: error });
  }
  return new SessionError('STORE_UNAVAILABLE', `Redis is unavailable: ${detail}`, { cause: error });
}

/**
 * Settles with `operation`, or rejects with `STORE_UNAVAILABLE` after `timeoutMs`: a command
 * written to a server that stopped answering would otherwise wait for the socket to die,
 * which can take minutes.
 */
export function withTimeout<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new SessionError('STORE_UNAVAILABLE', `Redis did not answer within ${timeoutMs} ms.`));
    }, timeoutMs);
    operation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toSessionError(error));
      },
    );
  });
}

/** A reply that does not have the shape a script returns: a bug, never an outage. */
export function malformedReply(what: string): SessionError {
  return new SessionError('STORE_ERROR', `The Redis session store got an unexpected reply to ${what}.`);
}
