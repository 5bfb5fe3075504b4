import { checkKeyState, checkUserState } from '../store-answers.js';
import type { SessionRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import type { Write } from '../store-writes.js';
import { keyName } from './keys.js';
import type { FederatedLink, FederatedQuery } from './types.js';

// A provider's session id and user point at the local user by a key; the sessions themselves
// carry their origin (`federated`), so a provider's logout reads the key, then the user.

function indexKey(query: Exclude<FederatedQuery, { by: 'user' }>): string {
  return query.by === 'sid' ? keyName('fsid', query.iss, query.sid) : keyName('fsub', query.iss, query.sub);
}

/** The keys that find a new federated session from its provider session and user, each kept as long as the longest-lived of the user's sessions it finds. */
export function federatedKeys(session: SessionRecord, others: readonly SessionRecord[]): Write[] {
  const { federated } = session;
  if (federated === undefined) return [];
  const put = (key: string, same: (other: SessionRecord['federated']) => boolean): Write => {
    const expiresAt = Math.max(session.expiresAt, ...others.filter((other) => other.federated?.iss === federated.iss && same(other.federated)).map((other) => other.expiresAt));
    return { type: 'putKey', key, value: session.userId, expiresAt, userId: session.userId };
  };
  const keys = [put(indexKey({ by: 'sub', iss: federated.iss, sub: federated.sub }), (other) => other?.sub === federated.sub)];
  if (federated.sid !== undefined) keys.push(put(indexKey({ by: 'sid', iss: federated.iss, sid: federated.sid }), (other) => other?.sid === federated.sid));
  return keys;
}

/** Sessions signed in through a provider that match the query, with `expiresAt > now`. */
export async function findFederatedLinks(store: SessionStore, query: FederatedQuery, now: number): Promise<readonly FederatedLink[]> {
  let userId: string;
  if (query.by === 'user') {
    userId = query.userId;
  } else {
    const key = checkKeyState(await store.readKey(indexKey(query)));
    if (key.value === undefined || key.expiresAt! <= now) return [];
    userId = key.value;
  }
  const state = checkUserState(await store.readUser(userId), userId);
  const links: FederatedLink[] = [];
  for (const session of state.sessions) {
    const { federated } = session;
    if (federated === undefined || session.expiresAt <= now) continue;
    if (query.by === 'sid' && (federated.iss !== query.iss || federated.sid !== query.sid)) continue;
    if (query.by === 'sub' && (federated.iss !== query.iss || federated.sub !== query.sub)) continue;
    links.push({ sessionId: session.id, userId, expiresAt: session.expiresAt, ...federated });
  }
  return links;
}
