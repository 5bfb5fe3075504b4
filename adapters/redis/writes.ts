import { SessionError } from '../../src/errors.js';
import { getOrAdd } from '../../src/get-or-add.js';
import type { Batch, SessionRecord, Write } from '../../src/store.js';
import { encodeSession, tagOf, type Layout } from './keys.js';

/** Writes on one slot: `key` routes them there. */
export interface Writes {
  readonly key: string;
  readonly args: string[];
}

/** A batch as the apply script's arguments (see `scripts.ts`), split by Cluster slot. */
export interface Plan {
  /** The owner's hash, whose field `v` is the version; bumped for users and tenants (a key's is its row's). */
  readonly owner: string;
  readonly bump: boolean;
  /** The writes on the owner's slot: all of them, off a cluster. */
  readonly local: string[];
  /** Cluster, by hash tag: writes sent before the owner's script (a user's index of keys put for it, a tenant's high-water mark). */
  readonly before: Map<string, Writes>;
  /** Cluster, by hash tag: writes sent once it held (a key a user's batch puts). */
  readonly after: Map<string, Writes>;
}

// A time Redis cannot read would fail the script after its earlier writes: refused before anything is sent.
function time(at: number): string {
  if (!Number.isSafeInteger(at)) throw new SessionError('INVALID_INPUT', `A batch time must be a number of ms Redis reads as an integer, not ${at}.`);
  return String(at);
}

// Redis drops a row a day past its lifetime, for apps that never prune (prune deletes it first): counted from now on Redis's clock, which is not the app's.
const lifetime = (session: Pick<SessionRecord, 'createdAt' | 'expiresAt'>): string => time(Math.max(0, session.expiresAt - session.createdAt) + 86_400_000);

/** Encodes a batch: the apply script decides nothing, every key name is computed here. */
export function planBatch(batch: Batch, layout: Layout, clustered: boolean): Plan {
  const { owner } = batch;
  const ownerKey = 'userId' in owner ? `${layout.user(owner.userId)}m` : 'tenantId' in owner ? `${layout.tenant(owner.tenantId)}m` : layout.key(owner.key);
  const plan: Plan = { owner: ownerKey, bump: !('key' in owner), local: [], before: new Map(), after: new Map() };
  const place = (key: string, args: string[], early = false): void => {
    if (!clustered || tagOf(key) === tagOf(ownerKey)) return void plan.local.push(...args);
    getOrAdd(early ? plan.before : plan.after, tagOf(key), () => ({ key, args: [] })).args.push(...args);
  };
  const userBase = (write: Write): string => {
    if ('userId' in owner) return layout.user(owner.userId);
    throw new SessionError('STORE_ERROR', `A ${write.type} write needs a user batch.`);
  };
  for (const write of batch.writes) encode(write, layout, userBase, ownerKey, place, clustered);
  return plan;
}

function encode(write: Write, layout: Layout, userBase: (write: Write) => string, ownerKey: string, place: (key: string, args: string[], early?: boolean) => void, clustered: boolean): void {
  switch (write.type) {
    case 'insert': {
      const { session } = write;
      const [key, base] = [layout.session(session.id), layout.user(session.userId)];
      if (clustered && tagOf(key) !== tagOf(base)) throw new SessionError('INVALID_INPUT', "On Redis Cluster a session id starts with its user's bucket (userBucket).");
      const fields = encodeSession(session, base, session.tenantId === undefined ? undefined : `${layout.tenant(session.tenantId)}m`);
      return place(key, ['i', key, base, layout.queue(key, 'x'), time(session.expiresAt), lifetime(session), String(fields.length), ...fields]);
    }
    case 'revoke':
      return place(layout.session(write.sessionId), ['r', layout.session(write.sessionId), userBase(write), time(write.at), write.reason]);
    case 'epochs': {
      const pairs = Object.entries(write.epochs).flatMap(([kind, at]) => [kind, time(at)]);
      return place(ownerKey, ['e', String(pairs.length / 2), ...pairs]);
    }
    case 'highWater': {
      const key = write.tenantId === undefined ? `${userBase(write)}m` : `${layout.tenant(write.tenantId)}m`;
      return place(key, ['h', key, write.kind, time(write.at)], write.tenantId !== undefined);
    }
    case 'deny':
    case 'device': {
      const [key, member, score] = write.type === 'deny' ? [`${userBase(write)}d`, write.sessionId, write.until] : [`${userBase(write)}k`, write.deviceHash, write.lastSeenAt];
      return place(key, ['z', key, member, time(score), layout.queue(key, write.type === 'deny' ? 'x' : 'w')]);
    }
    case 'activity': {
      const { entry } = write;
      const base = entry.userId !== undefined ? layout.user(entry.userId) : entry.tenantId !== undefined ? layout.tenant(entry.tenantId) : undefined;
      return base === undefined ? undefined : place(base, ['a', base, entry.id, JSON.stringify(entry), time(entry.at), layout.queue(base, 'y')]);
    }
    case 'putKey': {
      const key = layout.key(write.key);
      place(key, ['k', key, write.value, time(write.expiresAt), write.userId ?? '', layout.queue(key, 'x')]);
      if (write.userId === undefined) return;
      // The user's index of its keys, for erase; put first, so a key never exists unindexed.
      const index = `${layout.user(write.userId)}K`;
      return place(index, ['z', index, key, time(write.expiresAt), layout.queue(index, 'x')], true);
    }
    case 'deleteKey':
      return place(layout.key(write.key), ['x', layout.key(write.key), '']);
    case 'erase':
      return place(ownerKey, ['E', userBase(write), ownerKey.slice(ownerKey.indexOf('}:u:') + 4, -2)]);
  }
}
