import { invalidInput } from '../../src/errors.js';
import type { ActivityRecord, ActivityStore, KindStats, RevocationLinkStore, StatsStore } from '../../src/store.js';
import { decodeActivity, encodeActivity, list, numeric, pairs, text } from './codec.js';
import { bucketOfSession, bucketOfUser, type ActivityKeys, type Layout } from './layout.js';
import type { DueMark } from './prune.js';
import type { RunScript } from './scripts/run.js';
import {
  appendActivityScript,
  consumeLinkScript,
  indexLinkScript,
  listActivityScript,
  listDevicesScript,
  rememberDeviceScript,
  saveLinkScript,
  statsScript,
} from './scripts/users.js';

// The Redis store's optional capabilities (activity and known devices, revocation links,
// statistics), apart from its core; store.ts spreads them into the store it returns.

/** What the capabilities share with the store that owns them. */
export interface CapabilityContext {
  readonly run: RunScript;
  readonly layout: Layout;
  /** Tells the pruner about entries a write queued; never awaited (see store.ts). */
  readonly noteDue: (...marks: (DueMark | undefined)[]) => void;
  /** One plain command with the store's timeout and error mapping. */
  readonly command: (key: string, args: string[]) => Promise<unknown>;
}

// Activity ids go into Lua-built JSON and are ordered byte by byte: the manager's shape only.
const ACTIVITY_ID = /^[0-9A-Za-z._-]{1,64}$/;

function checkActivityId(id: string): void {
  if (typeof id !== 'string' || !ACTIVITY_ID.test(id)) throw invalidInput('An activity id is 1 to 64 characters of [0-9A-Za-z._-].');
}

/** The activity arguments every writing script takes: id, JSON, at ("" id for none). */
export function activityArgs(entry: ActivityRecord | undefined): string[] {
  if (entry === undefined) return ['', '', ''];
  checkActivityId(entry.id);
  if (!Number.isFinite(entry.at)) throw invalidInput('An activity entry needs a finite at.');
  return [entry.id, encodeActivity(entry), String(entry.at)];
}

/** The prune queues learn about an owner's activity after the write, like every other queue. */
export function activityDue(owner: ActivityKeys, entry: ActivityRecord | undefined): DueMark | undefined {
  return entry === undefined ? undefined : { bucket: owner.bucket, score: entry.at, lane: 'activity' };
}

/** Activity entries and known devices. */
export function activityCapability({ run, layout, noteDue }: CapabilityContext): ActivityStore {
  const ownerOf = (entry: ActivityRecord): ActivityKeys => {
    if (entry.userId !== undefined) return layout.user(bucketOfUser(entry.userId), entry.userId).activity;
    if (entry.tenantId !== undefined) return layout.tenant(entry.tenantId);
    throw invalidInput('An activity entry needs a userId or a tenantId.');
  };
  const readActivity = async (owner: ActivityKeys, limit: number, before: string | undefined): Promise<ActivityRecord[]> => {
    const reply = await run(listActivityScript, [`${owner.base}a`, `${owner.base}A`], [before === undefined ? '+' : `(${before}`, String(limit)]);
    return list(reply, 'listActivity').map((entry) => decodeActivity(entry));
  };
  return {
    async appendActivity(entries) {
      // One script per owner (a cluster cannot write two slots at once); a single entry, the
      // usual case, is one step.
      const byOwner = new Map<string, { owner: ActivityKeys; args: string[]; entries: ActivityRecord[] }>();
      for (const entry of entries) {
        // An entry about nobody has no owner to be listed under: nothing to keep.
        if (entry.userId === undefined && entry.tenantId === undefined) continue;
        const owner = ownerOf(entry);
        const group = byOwner.get(owner.base) ?? { owner, args: [owner.base, owner.owner], entries: [] };
        group.args.push(...activityArgs(entry));
        group.entries.push(entry);
        byOwner.set(owner.base, group);
      }
      await Promise.all(
        [...byOwner.values()].map(async ({ owner, args, entries: written }) => {
          await run(appendActivityScript, [layout.activityQueue(owner.bucket)], args);
          noteDue({ bucket: owner.bucket, score: Math.min(...written.map((entry) => entry.at)), lane: 'activity' });
        }),
      );
    },

    async listActivity(userId, listOptions) {
      const { limit, before, tenantId } = listOptions;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidInput('limit must be a whole number from 1 to 1000.');
      if (before !== undefined) checkActivityId(before);
      // The tenant's entries are on another slot on a cluster: two reads, at the same time.
      const pages = await Promise.all([
        readActivity(layout.user(bucketOfUser(userId), userId).activity, limit, before),
        ...(tenantId === undefined ? [] : [readActivity(layout.tenant(tenantId), limit, before)]),
      ]);
      // Ids are ASCII: JavaScript's string order is their byte order.
      return pages
        .flat()
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit);
    },

    async rememberDevice(userId, deviceHash, at) {
      if (!Number.isFinite(at)) throw invalidInput('at must be a finite number.');
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const previous = await run(rememberDeviceScript, [user.devices, layout.deviceQueue(bucket)], [deviceHash, String(at), user.activity.owner]);
      noteDue({ bucket, score: at, lane: 'devices' });
      return previous === null || previous === undefined || previous === false ? null : numeric(previous, 'rememberDevice');
    },

    async listDevices(userId) {
      const user = layout.user(bucketOfUser(userId), userId);
      return [...pairs(await run(listDevicesScript, [user.devices], []), 'listDevices')].map(([deviceHash, lastSeenAt]) => ({
        deviceHash,
        lastSeenAt: numeric(lastSeenAt, 'listDevices'),
      }));
    },
  };
}

/** One-time "This wasn't me" links. */
export function revocationLinkCapability({ run, layout, noteDue }: CapabilityContext): RevocationLinkStore {
  return {
    async saveRevocationLink(link) {
      const key = layout.link(link.id);
      if (key === undefined) throw invalidInput('A revocation link id must be 3 to 64 base64url characters.');
      if (!Number.isFinite(link.expiresAt)) throw invalidInput('expiresAt must be a finite number.');
      const bucket = bucketOfSession(link.id)!;
      const user = layout.user(bucketOfUser(link.userId), link.userId);
      await run(indexLinkScript, [user.links], [link.id, String(link.expiresAt)]);
      // Only the fields it has: a link without a device is stored (and answered) without one.
      const device = [...(link.deviceKey === undefined ? [] : ['dk', link.deviceKey]), ...(link.tenantId === undefined ? [] : ['t', link.tenantId])];
      const saved = await run(
        saveLinkScript,
        [key, layout.queue(bucket)],
        [Buffer.from(link.secretHash).toString('base64'), link.userId, link.sessionId, String(link.expiresAt), link.id, ...device],
      );
      if (numeric(saved, 'saveRevocationLink') === 0) throw invalidInput('A revocation link with this id already exists.');
      noteDue({ bucket, score: link.expiresAt, lane: 'main' });
    },

    async consumeRevocationLink(id, secretHash, now) {
      const key = layout.link(id);
      if (key === undefined) return null;
      const reply = await run(consumeLinkScript, [key], [Buffer.from(secretHash).toString('base64'), String(now)]);
      if (reply === null || reply === undefined || reply === false) return null;
      const [hashed, userId, sessionId, expiresAt, deviceKey, tenantId] = list(reply, 'consumeRevocationLink');
      // A link saved by an earlier version, or without a device or tenant, has no such field (nil).
      const optional = (value: unknown) => (value === null || value === undefined || value === false ? undefined : text(value, 'consumeRevocationLink'));
      return {
        id,
        secretHash: Buffer.from(text(hashed, 'consumeRevocationLink'), 'base64'),
        userId: text(userId, 'consumeRevocationLink'),
        sessionId: text(sessionId, 'consumeRevocationLink'),
        expiresAt: numeric(expiresAt, 'consumeRevocationLink'),
        deviceKey: optional(deviceKey),
        tenantId: optional(tenantId),
      };
    },
  };
}

// stats(): directory entries read per page, and buckets counted at once.
const STATS_PAGE = 1_000;
const STATS_CONCURRENCY = 64;

/** Row counts by kind, for the CLI. */
export function statsCapability({ run, layout, command }: CapabilityContext): StatsStore {
  return {
    async stats(now) {
      const counts = new Map<string, { live: number; revoked: number; expired: number }>();
      const { due } = layout.directory;
      // Every bucket holding a session row has its row in its queue, so it is in the directory.
      for (let start = 0; ; start += STATS_PAGE) {
        const buckets = list(await command(due, ['ZRANGE', due, String(start), String(start + STATS_PAGE - 1)]), 'stats').map((bucket) => text(bucket, 'stats'));
        for (let wave = 0; wave < buckets.length; wave += STATS_CONCURRENCY) {
          const replies = await Promise.all(
            buckets.slice(wave, wave + STATS_CONCURRENCY).map((bucket) => run(statsScript, [layout.queue(bucket)], [String(now), layout.sessionPrefix(bucket)])),
          );
          for (const reply of replies) {
            const items = list(reply, 'stats');
            for (let index = 0; index + 3 < items.length; index += 4) {
              const kind = text(items[index], 'stats');
              const count = counts.get(kind) ?? { live: 0, revoked: 0, expired: 0 };
              count.live += numeric(items[index + 1], 'stats');
              count.revoked += numeric(items[index + 2], 'stats');
              count.expired += numeric(items[index + 3], 'stats');
              counts.set(kind, count);
            }
          }
        }
        if (buckets.length < STATS_PAGE) break;
      }
      const result = Object.create(null) as Record<string, KindStats>;
      for (const [kind, count] of counts) result[kind] = count;
      return result;
    },
  };
}
