import { withDeadline } from '../../src/core/timer.js';
import { isSessionError, SessionError } from '../../src/errors.js';

// "Redis cannot serve this now" (loading, a long script, failover, resharding, out of memory): nothing was written.
const TRANSIENT_REPLIES = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'NOREPLICAS', 'MOVED', 'ASK', 'OOM']);

/** The code word of a Redis error reply ("ERR", "NOSCRIPT"...), or `undefined` for anything else. */
export function replyCode(error: unknown): string | undefined {
  return error instanceof Error ? /^([A-Z][A-Z0-9_]+)(?: |$)/.exec(error.message)?.[1] : undefined;
}

/** What a client threw as a SessionError: an error reply is `STORE_ERROR` unless transient; the rest `STORE_UNAVAILABLE`. */
export function toSessionError(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  // Some client errors carry no message (node-redis' TimeoutError): their class says it all.
  const detail = error instanceof Error ? error.message || error.constructor.name : String(error);
  const code = replyCode(error);
  if (code === 'ERR' && /unknown (redis )?command/i.test(detail)) return new SessionError('STORE_ERROR', `The Redis session store needs Redis 7.0 or later: ${detail}`, { cause: error });
  const failed = (code !== undefined && !TRANSIENT_REPLIES.has(code)) || error instanceof TypeError || error instanceof RangeError || !(error instanceof Error);
  return failed ? new SessionError('STORE_ERROR', `The Redis session store failed: ${detail}`, { cause: error }) : new SessionError('STORE_UNAVAILABLE', `Redis is unavailable: ${detail}`, { cause: error });
}

/** Settles with `operation`, or rejects with `STORE_UNAVAILABLE` after `timeoutMs` (a silent server would hold it for minutes). */
export const withTimeout = <T>(operation: Promise<T>, timeoutMs: number): Promise<T> =>
  withDeadline(operation.catch((error: unknown) => Promise.reject(toSessionError(error))), timeoutMs, () => new SessionError('STORE_UNAVAILABLE', `Redis did not answer within ${timeoutMs} ms.`));

/** A reply without the shape a script returns: a bug, never an outage. */
export const malformedReply = (what: string): SessionError => new SessionError('STORE_ERROR', `The Redis session store got an unexpected reply to ${what}.`);
