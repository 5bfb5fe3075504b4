import { SessionError } from '../../src/errors.js';
import type { Batch, Write } from '../../src/store.js';
import { encodeSession, tagOf, type Layout } from './keys.js';

/** A batch as the apply script's arguments, split by Cluster slot. */
export interface Plan {
  /** The owner's hash: its field `v` is the version. */
  readonly owner: string;
  /** Whether the version is bumped (user and tenant owners; a key's version is its own row's). */
  readonly bump: boolean;
  /** The writes on the owner's slot (every write, off a cluster). */
  readonly local: string[];
  /** Cluster: writes on other slots sent before the owner's script (a user's index of keys put for it). */
  readonly before: Map<string, Foreign>;
  /** Cluster: writes on other slots sent once it succeeded (a tenant's high-water mark, a key a user batch puts). */
  readonly after: Map<string, Foreign>;
}

/** Writes on one other slot: `key` routes them there. */
export interface Foreign {
  readonly key: string;
  readonly args: string[];
}

// Redis expires rows a day past their expiry, for apps that never prune; prune deletes them first.
const DAY = 86_400_000;
const expireAt = (at: number): string => String(Math.ceil(at) + DAY);

/** Encodes a batch: the apply script decides nothing, every key name is computed here. */
export function planBatch(batch: Batch, layout: Layout, clustered: boolean): Plan {
  const { owner } = batch;
  const ownerKey = 'userId' in owner ? `${layout.user(owner.userId)}m` : 'tenantId' in owner ? `${layout.tenant(owner.tenantId)}m` : layout.key(owner.key);
  const userBase = 'userId' in owner ? layout.user(owner.userId) : '';
  const plan: Plan = { owner: ownerKey, bump: !('key' in owner), local: [], before: new Map(), after: new Map() };
  const place = (key: string, args: string[], early = false): void => {
    if (!clustered || tagOf(key) === tagOf(ownerKey)) {
      plan.local.push(...args);
      return;
    }
    const group = early ? plan.before : plan.after;
    const found = group.get(tagOf(key));
    if (found === undefined) group.set(tagOf(key), { key, args });
    else found.args.push(...args);
  };
  for (const write of batch.writes) encode(write, layout, userBase, ownerKey, place, clustered);
  return plan;
}

function encode(write: Write, layout: Layout, userBase: string, ownerKey: string, place: (key: string, args: string[], early?: boolean) => void, clustered: boolean): void {
  const needUser = (): string => {
    if (userBase === '') throw new SessionError('STORE_ERROR', `A ${write.type} write needs a user batch.`);
    return userBase;
  };
  switch (write.type) {
    case 'insert': {
      const { session } = write;
      const key = layout.session(session.id);
      const base = layout.user(session.userId);
      if (clustered && tagOf(key) !== tagOf(base)) throw new SessionError('INVALID_INPUT', "On Redis Cluster a session id starts with its user's bucket (userBucket).");
      const fields = encodeSession(session, base, session.tenantId === undefined ? undefined : `${layout.tenant(session.tenantId)}m`);
      place(key, ['i', key, base, layout.queue(key, 'x'), String(session.expiresAt), expireAt(session.expiresAt), String(fields.length), ...fields]);
      return;
    }
    case 'revoke': {
      const key = layout.session(write.sessionId);
      place(key, ['r', key, needUser(), String(write.at), write.reason]);
      return;
    }
    case 'epochs': {
      const pairs = Object.entries(write.epochs).flatMap(([kind, at]) => [kind, String(at)]);
      place(ownerKey, ['e', String(pairs.length / 2), ...pairs]);
      return;
    }
    case 'highWater': {
      const key = `${layout.tenant(write.tenantId)}m`;
      place(key, ['h', key, write.kind, String(write.at)]);
      return;
    }
    case 'deny':
    case 'device': {
      const [key, member, score] = write.type === 'deny' ? [`${needUser()}d`, write.sessionId, write.until] : [`${needUser()}k`, write.deviceHash, write.lastSeenAt];
      place(key, ['z', key, member, String(score), layout.queue(key, write.type === 'deny' ? 'x' : 'w')]);
      return;
    }
    case 'activity': {
      const { entry } = write;
      const base = entry.userId !== undefined ? layout.user(entry.userId) : entry.tenantId !== undefined ? layout.tenant(entry.tenantId) : undefined;
      if (base !== undefined) place(base, ['a', base, entry.id, JSON.stringify(entry), String(entry.at), layout.queue(base, 'y')]);
      return;
    }
    case 'putKey': {
      const key = layout.key(write.key);
      place(key, ['k', key, write.value, String(write.expiresAt), expireAt(write.expiresAt), write.userId ?? '', layout.queue(key, 'x')]);
      if (write.userId === undefined) return;
      // The user's index of its keys, for erase; put first, so a key never exists unindexed.
      const index = `${layout.user(write.userId)}K`;
      place(index, ['z', index, key, String(write.expiresAt), layout.queue(index, 'x')], true);
      return;
    }
    case 'deleteKey': {
      const key = layout.key(write.key);
      place(key, ['x', key]);
      return;
    }
    case 'erase':
      place(ownerKey, ['E', needUser(), ownerKey.slice(ownerKey.indexOf('}:u:') + 4, -2)]);
      return;
  }
}
