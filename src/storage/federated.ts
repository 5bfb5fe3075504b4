import { SessionError } from '../errors.js';
import { parseJson } from '../parse-json.js';
import { checkKeyState } from '../store-answers.js';
import type { FederatedIdentity, SessionRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import { keyName } from './keys.js';
import type { FederatedLink, FederatedQuery } from './types.js';
import { readUser } from './read-user.js';
import { versioned } from './versioned.js';

// A provider's session id and user each have a key listing the local users they signed in, until the last such session expires.

/** One local user an index key finds, and until when (ms). */
type IndexEntry = readonly [userId: string, until: number];

/** The most a key's value holds (the store contract's limit): more users are refused, not dropped. */
const MAX_VALUE_LENGTH = 2_048;

// How long a key outlives its entries, and an entry its own end: no prune deletes a key (restarting its version) under a batch read moments before, and a server whose clock runs fast never drops an entry another still counts live.
const KEY_MARGIN = 60 * 60_000;

const indexKey = (query: Exclude<FederatedQuery, { by: 'user' }>): string => (query.by === 'sid' ? keyName('fsid', query.iss, query.sid) : keyName('fsub', query.iss, query.sub));

/** The index keys of a provider identity: its user's, and its session's when it has one. */
function indexKeys(federated: FederatedIdentity): string[] {
  const keys = [indexKey({ by: 'sub', iss: federated.iss, sub: federated.sub })];
  if (federated.sid !== undefined) keys.push(indexKey({ by: 'sid', iss: federated.iss, sid: federated.sid }));
  return keys;
}

function readEntries(value: string | undefined): IndexEntry[] {
  if (value === undefined) return [];
  const entries = parseJson(value);
  const valid = Array.isArray(entries) && entries.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && Number.isFinite(entry[1]));
  if (!valid) throw new SessionError('STORE_ERROR', 'The session store answered readKey() for a federated sign-in with a value that is not a list of users; it is not taken for one.');
  return entries as IndexEntry[];
}

/**
 * Changes the users one index key lists, in a batch of the key's own that holds its version, so sign-ins of two local users through one provider
 * identity, on any instances, both stay listed. `change` answers the new list, or `undefined` when the key already says what is needed.
 */
function updateIndex(store: SessionStore, key: string, now: number, due: number | undefined, change: (entries: IndexEntry[]) => IndexEntry[] | undefined): Promise<true> {
  return versioned(store, { key }, 'federated index', due, async (apply) => {
    const state = checkKeyState(await store.readKey(key));
    const changed = change(readEntries(state.value));
    if (changed === undefined) return true;
    const entries = changed.filter(([, until]) => until + KEY_MARGIN > now);
    const value = JSON.stringify(entries);
    if (value.length > MAX_VALUE_LENGTH) throw new SessionError('INVALID_INPUT', 'Too many local users sign in through this provider identity to find them all on its logout.');
    // An emptied key is kept, not deleted, so its version goes on from where it was.
    const expiresAt = Math.max(now, ...entries.map(([, until]) => until)) + KEY_MARGIN;
    return (await apply({ owner: { key }, version: state.version, writes: [{ type: 'putKey', key, value, expiresAt }] })) || undefined;
  });
}

/**
 * Lists a new federated session's user under its provider identity's keys until the session expires, before the session is written: a sign-in that
 * fails after this leaves a key that finds no session, never a session its provider's logout cannot find.
 */
export async function indexFederated(store: SessionStore, session: SessionRecord, now: number, due: number | undefined): Promise<void> {
  if (session.federated === undefined) return;
  for (const key of indexKeys(session.federated)) {
    await updateIndex(store, key, now, due, (entries) => {
      const listed = entries.find(([userId]) => userId === session.userId);
      if (listed !== undefined && listed[1] >= session.expiresAt) return undefined;
      return [...entries.filter((entry) => entry !== listed), [session.userId, session.expiresAt]];
    });
  }
}

/** Takes a user off the keys of the provider identities its sessions came through (before the user is erased), but those of the sessions `kept`. */
export async function unindexFederated(store: SessionStore, userId: string, sessions: readonly SessionRecord[], kept: readonly SessionRecord[], now: number, due: number | undefined): Promise<void> {
  const keysOf = (rows: readonly SessionRecord[]): string[] => rows.flatMap((session) => (session.federated === undefined ? [] : indexKeys(session.federated)));
  const keep = new Set(keysOf(kept));
  for (const key of new Set(keysOf(sessions).filter((name) => !keep.has(name)))) {
    await updateIndex(store, key, now, due, (entries) => (entries.some(([listed]) => listed === userId) ? entries.filter(([listed]) => listed !== userId) : undefined));
  }
}

/** Sessions signed in through a provider that match the query, with `expiresAt > now`. */
export async function findFederatedLinks(store: SessionStore, query: FederatedQuery, now: number): Promise<readonly FederatedLink[]> {
  let userIds: readonly string[];
  if (query.by === 'user') {
    userIds = [query.userId];
  } else {
    const key = checkKeyState(await store.readKey(indexKey(query)));
    userIds = key.value === undefined ? [] : readEntries(key.value).flatMap(([userId, until]) => (until > now ? [userId] : []));
  }
  const links: FederatedLink[] = [];
  for (const userId of userIds) {
    const state = await readUser(store, userId);
    for (const session of state.sessions) {
      const { federated } = session;
      if (federated === undefined || session.expiresAt <= now) continue;
      if (query.by === 'sid' && (federated.iss !== query.iss || federated.sid !== query.sid)) continue;
      if (query.by === 'sub' && (federated.iss !== query.iss || federated.sub !== query.sub)) continue;
      links.push({ sessionId: session.id, userId, expiresAt: session.expiresAt, tenantId: session.tenantId, ...federated });
    }
  }
  return links;
}
