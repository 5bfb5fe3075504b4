import { SessionError } from '../../src/errors.js';
import type { SessionLookup } from '../../src/store.js';
import { decodeEpochs, decodeSession, list } from './codec.js';
import type { Driver } from './driver.js';
import { replyCode, withTimeout } from './errors.js';
import { bucketOfSession, type Layout } from './layout.js';
import type { RunScript } from './scripts/run.js';
import { getScript } from './scripts/sessions.js';

/**
 * Session ids whose user this process remembers (about 100 bytes each: 2 MB at most). A
 * session's user never changes, so an entry is never stale, and an id missing here only costs
 * the script instead of the transaction: still one round trip.
 */
const OWNERS_KEPT = 20_000;

// Replies after which the transaction is not retried but the read goes by script: the slot
// moved or is moving (the script's sendCommand follows the redirect and refreshes the slot map).
const BY_SCRIPT_AFTER = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'EXECABORT', 'CROSSSLOT', 'OFFLINE']);

/**
 * How the Redis store reads a session and its user's epochs: one round trip either way.
 *
 * The user's epochs key is named after the user, and the token only names the session. The
 * first read of a session in this process is the `get` script, which finds the user in the
 * row and reads both hashes inside Redis; it remembers the session's user. Every later read is
 * the two HGETALLs in one MULTI ... EXEC (both keys carry the session's `{bucket}` hash tag, so
 * they sit on one Cluster slot): the same two reads at one point in time, without the Lua call
 * that costs Redis several times the reads themselves. The row's user is checked against the
 * remembered one; a mismatch (which a random 128-bit id never meets) falls back to the script.
 */
export function createSessionReader(options: {
  readonly driver: Driver;
  readonly layout: Layout;
  readonly run: RunScript;
  readonly timeoutMs: number;
  readonly isClosed: () => boolean;
}): (sessionId: string) => Promise<SessionLookup | null> {
  const { driver, layout, run, timeoutMs, isClosed } = options;
  const owners = new Map<string, string>();
  const transaction = driver.transaction?.bind(driver);

  const remember = (sessionId: string, userId: string): void => {
    if (owners.size >= OWNERS_KEPT) owners.delete(owners.keys().next().value!);
    // A copy: the id is a slice of the request's token, which would keep the whole header alive.
    owners.set(Buffer.from(sessionId, 'latin1').toString('latin1'), userId);
  };

  // Both hashes in one MULTI ... EXEC; undefined when the read must go by script after all.
  const readTogether = async (key: string, epochsKey: string): Promise<readonly [unknown, unknown] | undefined> => {
    if (isClosed()) throw new SessionError('CLOSED', 'The Redis session store was closed.');
    try {
      const replies = list(await withTimeout(transaction!(key, [['HGETALL', key], ['HGETALL', epochsKey]]), timeoutMs), 'get');
      return [replies[0], replies[1]];
    } catch (error) {
      const cause = error instanceof SessionError && error.cause !== undefined ? error.cause : error;
      if (BY_SCRIPT_AFTER.has(replyCode(cause) ?? '')) return undefined;
      throw error;
    }
  };

  const byScript = async (sessionId: string, bucket: string): Promise<SessionLookup | null> => {
    const reply = await run(getScript, [layout.session(bucket, sessionId)], [layout.userPrefix(bucket)]);
    if (reply === null || reply === undefined) return null;
    const [row, epochs] = list(reply, 'get');
    const session = decodeSession(sessionId, row);
    remember(sessionId, session.userId);
    return { session, epochs: decodeEpochs(epochs) };
  };

  return async function readSession(sessionId) {
    const bucket = bucketOfSession(sessionId);
    if (bucket === undefined) return null;
    const owner = transaction === undefined ? undefined : owners.get(sessionId);
    if (owner === undefined) return byScript(sessionId, bucket);
    const replies = await readTogether(layout.session(bucket, sessionId), layout.user(bucket, owner).epochs);
    if (replies === undefined) return byScript(sessionId, bucket);
    const row = flatHash(replies[0]);
    if (row.length === 0) {
      owners.delete(sessionId);
      return null;
    }
    const session = decodeSession(sessionId, row);
    if (session.userId !== owner) {
      owners.delete(sessionId);
      return byScript(sessionId, bucket);
    }
    return { session, epochs: decodeEpochs(flatHash(replies[1])) };
  };
}

// HGETALL answers a flat [field, value, ...] list over RESP2, a map over RESP3 (an object, or a
// Map under a client's type mapping): the codec reads the flat list.
function flatHash(reply: unknown): readonly unknown[] {
  if (Array.isArray(reply)) return reply;
  if (reply instanceof Map) return [...reply].flat();
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply).flat();
  return list(reply, 'get');
}
