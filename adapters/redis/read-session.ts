import { SessionError } from '../../src/errors.js';
import type { Epochs, SessionLookup, SessionRecord } from '../../src/store.js';
import { decodeEpochs, decodeSession, list } from './codec.js';
import type { Driver } from './driver.js';
import { toSessionError, withTimeout } from './errors.js';
import { bucketOfSession, type Layout } from './layout.js';
import type { RunScript } from './scripts/run.js';
import { getScript } from './scripts/sessions.js';

/**
 * Redis Cluster: ids of sessions with a tenant whose user and tenant this process remembers
 * (about 100 bytes each: 2 MB at most), so the tenant's epochs are read beside the script
 * rather than after it. A session's user and tenant never change, so an entry is never stale.
 */
const OWNERS_KEPT = 20_000;

/** Whom a remembered session belongs to. */
interface Owner {
  readonly userId: string;
  readonly tenantId: string | undefined;
}

/**
 * How the Redis store reads a session, its user's epochs and its tenant's epochs: one
 * read-only script call (`EVALSHA_RO`), one round trip. Scripts are atomic and leave no state
 * on the connection, which is the app's: nothing here may end a `WATCH` of the app's or hold
 * its writes back.
 *
 * The user's epochs key is named after the user, and the token only names the session: the
 * `get` script finds the user in the row and reads both hashes inside Redis (both keys carry
 * the session's `{bucket}` hash tag, so they sit on one Cluster slot).
 *
 * A row with a tenant needs the tenant's epochs too. On a single server (and Sentinel) the
 * script reads them as well, from the row's `t` field. On Redis Cluster the tenant's key sits
 * on another slot, which no script may reach: the tenant's HGETALL is a second command, sent
 * at the same time as the script once the session is remembered (after the script the first
 * time). Either read failing fails the validation: a tenant check is never skipped. A row
 * written before the `t` field existed (its tenant only in the packed fields) gets its
 * tenant's epochs read after the script (two round trips for such a row, until it expires).
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

  const remember = (sessionId: string, session: SessionRecord): void => {
    if (owners.size >= OWNERS_KEPT) owners.delete(owners.keys().next().value!);
    // A copy: the id is a slice of the request's token, which would keep the whole header alive.
    owners.set(Buffer.from(sessionId, 'latin1').toString('latin1'), { userId: session.userId, tenantId: session.tenantId });
  };

  // A tenant's epochs by their own command (Cluster, or a row older than its `t` field).
  const readTenant = async (tenantId: string): Promise<Epochs> => {
    if (isClosed()) throw new SessionError('CLOSED', 'The Redis session store was closed.');
    const key = layout.tenant(tenantId).epochs;
    return decodeEpochs(flatHash(await withTimeout(driver.send(key, ['HGETALL', key]), timeoutMs)));
  };

  return async function readSession(sessionId) {
    const bucket = bucketOfSession(sessionId);
    if (bucket === undefined) return null;
    const known = clustered ? owners.get(sessionId) : undefined;
    const apart = known?.tenantId !== undefined ? readTenant(known.tenantId) : undefined;
    // Never left unhandled if the script fails first: its own error is the one reported.
    apart?.catch(() => undefined);
    const reply = await run(getScript, [layout.session(bucket, sessionId)], [layout.userPrefix(bucket), clustered ? '' : layout.prefix]);
    if (reply === null || reply === undefined) {
      if (known !== undefined) owners.delete(sessionId);
      return null;
    }
    const [row, epochs, tenantEpochs] = list(reply, 'get');
    const session = decodeSession(sessionId, row);
    if (session.tenantId === undefined) return { session, epochs: decodeEpochs(epochs) };
    if (clustered && (known?.userId !== session.userId || known.tenantId !== session.tenantId)) remember(sessionId, session);
    const inReply = tenantEpochs !== null && tenantEpochs !== undefined && tenantEpochs !== false;
    const tenant = inReply ? decodeEpochs(tenantEpochs) : apart !== undefined && known?.tenantId === session.tenantId ? await apart : await readTenant(session.tenantId);
    return { session, epochs: decodeEpochs(epochs), tenantEpochs: tenant };
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
