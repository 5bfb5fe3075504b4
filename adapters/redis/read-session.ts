import { SessionError } from '../../src/errors.js';
import type { Epochs, SessionLookup, SessionRecord } from '../../src/store.js';
import { decodeEpochs, decodeSession, list } from './codec.js';
import type { Driver } from './driver.js';
import { malformedReply, replyCode, toSessionError, withTimeout } from './errors.js';
import { bucketOfSession, type Layout } from './layout.js';
import type { RunScript } from './scripts/run.js';
import { getScript } from './scripts/sessions.js';

/**
 * Session ids whose user (and tenant) this process remembers (about 100 bytes each: 2 MB at
 * most). A session's user and tenant never change, so an entry is never stale, and an id
 * missing here only costs the script instead of the transaction: still one round trip.
 */
const OWNERS_KEPT = 20_000;

// Replies after which the transaction is not retried but the read goes by script: the slot
// moved or is moving (the script's sendCommand follows the redirect and refreshes the slot map),
// the client is not ready for one (OFFLINE), or EXEC discarded it for a WATCH of the app's on
// the shared connection (DISCARDED).
const BY_SCRIPT_AFTER = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'EXECABORT', 'CROSSSLOT', 'OFFLINE', 'DISCARDED']);

// Whether a failed transaction is read again by script rather than failing the validation: one
// of the replies above, or an EXEC that found no MULTI (ioredis sends again, on its new
// connection, the commands a lost connection left unanswered, and a MULTI answered before the
// loss is not among them).
function readsByScriptAfter(error: unknown): boolean {
  if (BY_SCRIPT_AFTER.has(replyCode(error) ?? '')) return true;
  return error instanceof Error && /^ERR EXEC without MULTI/.test(error.message);
}

/** Whom a remembered session belongs to. */
interface Owner {
  readonly userId: string;
  readonly tenantId: string | undefined;
}

/**
 * How the Redis store reads a session, its user's epochs and its tenant's epochs: one round
 * trip either way.
 *
 * The user's epochs key is named after the user, and the token only names the session. The
 * first read of a session in this process is the `get` script, which finds the user in the
 * row and reads both hashes inside Redis; it remembers the session's user. Every later read is
 * the two HGETALLs in one MULTI ... EXEC (both keys carry the session's `{bucket}` hash tag, so
 * they sit on one Cluster slot): the same two reads at one point in time, without the Lua call
 * that costs Redis several times the reads themselves. The row's user is checked against the
 * remembered one; a mismatch (which a random 128-bit id never meets) falls back to the script.
 * A connection without transactions (ioredis on a Cluster or with auto-pipelining, see
 * connections.ts; node-redis through Sentinel, whose leased connections take one command at a
 * time) reads by script every time; it remembers owners only on a Cluster, for the tenant's
 * read below.
 *
 * A row with a tenant needs the tenant's epochs too. On a single server (and Sentinel) they
 * come in the same round trip: a third HGETALL in the transaction, or read by the script from
 * the row's `t` field. On Redis Cluster the tenant's key sits on another slot, which neither
 * a transaction nor a script may reach: the tenant's HGETALL is a second command, sent at the
 * same time as the transaction or the script once the session is remembered (after the script
 * the first time). Either read failing fails the validation: a tenant check is never skipped. A row
 * written before the `t` field existed (its tenant only in the packed fields) gets its tenant
 * read the same way: once, the first time, with a transaction; after each script without one
 * (two round trips for such a row, until it expires).
 */
export function createSessionReader(options: {
  readonly driver: Driver;
  readonly layout: Layout;
  readonly run: RunScript;
  readonly timeoutMs: number;
  readonly isClosed: () => boolean;
  /** Redis Cluster: a tenant's keys are on another slot than its users'. */
  readonly clustered: boolean;
}): (sessionId: string) => Promise<SessionLookup | null> {
  const { driver, layout, run, timeoutMs, isClosed, clustered } = options;
  const owners = new Map<string, Owner>();
  const transaction = driver.transaction?.bind(driver);
  // Owners are what the transaction needs, and what lets a Cluster read a tenant beside the script.
  const remembers = transaction !== undefined || clustered;
  const worthRemembering = (session: SessionRecord): boolean => transaction !== undefined || (clustered && session.tenantId !== undefined);

  const remember = (sessionId: string, session: SessionRecord): void => {
    if (owners.size >= OWNERS_KEPT) owners.delete(owners.keys().next().value!);
    // A copy: the id is a slice of the request's token, which would keep the whole header alive.
    owners.set(Buffer.from(sessionId, 'latin1').toString('latin1'), { userId: session.userId, tenantId: session.tenantId });
  };

  const closedCheck = (): void => {
    if (isClosed()) throw new SessionError('CLOSED', 'The Redis session store was closed.');
  };

  // A tenant's epochs by their own command (Cluster, or a row older than its `t` field).
  const readTenant = async (tenantId: string): Promise<Epochs> => {
    closedCheck();
    const key = layout.tenant(tenantId).epochs;
    return decodeEpochs(flatHash(await withTimeout(driver.send(key, ['HGETALL', key]), timeoutMs)));
  };

  // The hashes in one MULTI ... EXEC; undefined when the read must go by script after all.
  const readTogether = async (keys: readonly string[]): Promise<readonly unknown[] | undefined> => {
    closedCheck();
    try {
      const replies = list(await withTimeout(transaction!(keys[0]!, keys.map((key) => ['HGETALL', key])), timeoutMs), 'get');
      if (replies.length !== keys.length) throw malformedReply('get');
      return replies;
    } catch (error) {
      const cause = error instanceof SessionError && error.cause !== undefined ? error.cause : error;
      if (readsByScriptAfter(cause)) return undefined;
      throw error;
    }
  };

  // The script; `known`, the session's owner when remembered, lets a Cluster read the tenant's
  // epochs beside it rather than after it.
  const byScript = async (sessionId: string, bucket: string, known?: Owner): Promise<SessionLookup | null> => {
    const apart = clustered && known?.tenantId !== undefined ? readTenant(known.tenantId) : undefined;
    // Never left unhandled if the script fails first: its own error is the one reported.
    apart?.catch(() => undefined);
    const reply = await run(getScript, [layout.session(bucket, sessionId)], [layout.userPrefix(bucket), clustered ? '' : layout.prefix]);
    if (reply === null || reply === undefined) {
      if (known !== undefined) owners.delete(sessionId);
      return null;
    }
    const [row, epochs, tenantEpochs] = list(reply, 'get');
    const session = decodeSession(sessionId, row);
    if (worthRemembering(session) && (known?.userId !== session.userId || known.tenantId !== session.tenantId)) remember(sessionId, session);
    if (session.tenantId === undefined) return { session, epochs: decodeEpochs(epochs) };
    const inReply = tenantEpochs !== null && tenantEpochs !== undefined && tenantEpochs !== false;
    const tenant = inReply ? decodeEpochs(tenantEpochs) : apart !== undefined && known?.tenantId === session.tenantId ? await apart : await readTenant(session.tenantId);
    return { session, epochs: decodeEpochs(epochs), tenantEpochs: tenant };
  };

  return async function readSession(sessionId) {
    const bucket = bucketOfSession(sessionId);
    if (bucket === undefined) return null;
    const owner = remembers ? owners.get(sessionId) : undefined;
    if (owner === undefined || transaction === undefined) return byScript(sessionId, bucket, owner);
    const keys = [layout.session(bucket, sessionId), layout.user(bucket, owner.userId).epochs];
    const { tenantId } = owner;
    // On a single server the tenant's epochs join the transaction; on a cluster they are read
    // beside it, at the same time, and both must answer.
    if (tenantId !== undefined && !clustered) keys.push(layout.tenant(tenantId).epochs);
    const apart = tenantId !== undefined && clustered ? readTenant(tenantId) : undefined;
    // Never left unhandled if the transaction fails first: its own error is the one reported.
    apart?.catch(() => undefined);
    const replies = await readTogether(keys);
    if (replies === undefined) return byScript(sessionId, bucket);
    const row = flatHash(replies[0]);
    if (row.length === 0) {
      owners.delete(sessionId);
      return null;
    }
    const session = decodeSession(sessionId, row);
    if (session.userId !== owner.userId || session.tenantId !== tenantId) {
      owners.delete(sessionId);
      return byScript(sessionId, bucket);
    }
    const epochs = decodeEpochs(flatHash(replies[1]));
    if (tenantId === undefined) return { session, epochs };
    return { session, epochs, tenantEpochs: apart === undefined ? decodeEpochs(flatHash(replies[2])) : await apart };
  };
}

/**
 * HGETALL's reply as a flat list: it answers a flat [field, value, ...] list over RESP2, a map
 * over RESP3 (an object, or a Map under a client's type mapping); the codec reads the flat list.
 */
export function flatHash(reply: unknown): readonly unknown[] {
  if (Array.isArray(reply)) return reply;
  // An error reply is no hash: as an object it would read as an empty one.
  if (reply instanceof Error) throw toSessionError(reply);
  if (reply instanceof Map) return [...reply].flat();
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply).flat();
  return list(reply, 'get');
}
