import { timingSafeEqual } from 'node:crypto';
import type { ActivityRecord, ListActivityOptions, RevocationLinkRecord } from '../store.js';
import { Interner } from './interner.js';
import { findMark, markPairs, raiseMark, type TextMarks } from './text-marks.js';

// The memory store's personal data beside the sessions: activity entries, known devices and
// "This wasn't me" links. Kept apart from the session rows so the hot path's structures stay
// as small as they are.
//
// Every sign-in adds an entry and a device sighting, so their layout is chosen for heap size:
// - Small logs and device lists are arrays of exactly their length, copied on write; V8 gives
//   an array that grows by push or splice room for about 17 elements at once.
// - Most users have one or two devices: a Map for them would cost more than the hashes.
// - Entry copies keep their fields inside the object (see StoredEntry) and share the strings
//   that repeat across entries (type, reason, device label, tenant, actor).

/** Entries of one owner (a user, or a tenant's own entries), oldest first. */
type Log = ActivityRecord[];

/**
 * A user's known devices: up to {@link SMALL_DEVICES} as `[hash, lastSeenAt, hash, lastSeenAt, ...]`
 * in order of first sighting, in an array of exactly that length; more in a Map (same order).
 */
type Devices = TextMarks | Map<string, number>;

/** Up to this many entries a log is copied on write; beyond, it grows in place (O(1) appends). */
const SMALL_LOG = 16;

/** Up to this many devices a user's are kept in a flat array; beyond, in a Map. */
const SMALL_DEVICES = 8;

/** Entry fields whose values repeat across many entries (a few types, reasons, browsers...). */
const SHARED_FIELDS: ReadonlySet<string> = new Set(['tenantId', 'type', 'reason', 'deviceLabel', 'by']);

// The constructor of stored entries. Its instances are plain objects (their prototype is
// Object.prototype, so they compare, spread and serialise like the entry given), but V8 keeps
// a constructor's fields inside the object. A copy built from `{}` keeps most of them in a
// second array, and a frozen spread copy gets a hidden class of its own (~400 B per entry).
const StoredEntry = function StoredEntry() {} as unknown as new () => Record<string, unknown>;
StoredEntry.prototype = Object.prototype;
// V8 then shrinks the instances to the most fields any of the first few had: give it one with
// every field of a record, so entries that happen to come first (short ones) cannot push the
// fields of all later ones into a second array.
Object.assign(new StoredEntry(), { id: '', userId: '', tenantId: '', type: '', at: 0, reason: '', sessionId: '', deviceLabel: '', ip: '', by: '' } satisfies Required<ActivityRecord>);

/** The activity, known devices and revocation links of a memory store. */
export class MemoryActivity {
  // Keyed by user id, and by tenant id for a tenant's own entries (two maps: ids are data).
  readonly #byUser = new Map<string, Log>();
  readonly #byTenant = new Map<string, Log>();
  readonly #devices = new Map<string, Devices>();
  readonly #links = new Map<string, RevocationLinkRecord>();
  // Bounded, so attacker-chosen values (a reason, a User-Agent's browser) cannot grow it.
  readonly #strings = new Interner(1_000);

  /** Appends entries (frozen copies); each lands in its owner's log, kept sorted by id. */
  append(entries: readonly ActivityRecord[]): void {
    for (const entry of entries) {
      const logs = entry.userId === undefined ? this.#byTenant : this.#byUser;
      const owner = entry.userId ?? entry.tenantId;
      if (owner === undefined) continue;
      const log = logs.get(owner);
      const copy = this.#copy(entry, log?.[0]);
      if (log === undefined) logs.set(owner, [copy]);
      else if (log.length < SMALL_LOG) logs.set(owner, log.toSpliced(sortedIndex(log, copy), 0, copy));
      else log.splice(sortedIndex(log, copy), 0, copy);
    }
  }

  // Same keys, same values, in the same order; repeated strings are shared with earlier entries.
  #copy(entry: ActivityRecord, sameOwner: ActivityRecord | undefined): ActivityRecord {
    const copy = new StoredEntry();
    for (const key of Object.keys(entry)) {
      const value: unknown = (entry as unknown as Record<string, unknown>)[key];
      if (typeof value !== 'string') copy[key] = value;
      // The owner's entries all name it: one copy of the user id is enough.
      else if (key === 'userId' && sameOwner?.userId === value) copy[key] = sameOwner.userId;
      else copy[key] = SHARED_FIELDS.has(key) ? this.#strings.intern(value) : value;
    }
    return Object.freeze(copy) as unknown as ActivityRecord;
  }

  /** Newest first: the user's entries, merged with the tenant's own when asked. */
  list(userId: string, options: ListActivityOptions): ActivityRecord[] {
    const merged = [...this.#page(this.#byUser.get(userId), options)];
    if (options.tenantId !== undefined) merged.push(...this.#page(this.#byTenant.get(options.tenantId), options));
    // Stryker disable next-line EqualityOperator: ids are unique, so a.id >= b.id orders the same (the variant a.id <= b.id goes with it; the merge test kills it)
    merged.sort((a, b) => (a.id > b.id ? -1 : 1));
    return merged.slice(0, options.limit);
  }

  // Up to `limit` entries of one log older than the cursor, newest first.
  *#page(log: Log | undefined, options: ListActivityOptions): Generator<ActivityRecord> {
    if (log === undefined) return;
    let taken = 0;
    for (let index = log.length - 1; index >= 0 && taken < options.limit; index--) {
      const entry = log[index]!;
      if (options.before !== undefined && entry.id >= options.before) continue;
      // Stryker disable next-line UpdateOperator: list() cuts the merged page to the limit; the count only stops the walk early
      taken++;
      yield entry;
    }
  }

  /** Keeps the latest sighting; answers the previous one. */
  rememberDevice(userId: string, deviceHash: string, at: number): number | null {
    const devices = this.#devices.get(userId);
    if (devices instanceof Map) {
      const previous = devices.get(deviceHash);
      devices.set(deviceHash, Math.max(previous ?? at, at));
      return previous ?? null;
    }
    const previous = findMark(devices, deviceHash);
    const small = devices === undefined || previous !== undefined || devices.length < SMALL_DEVICES * 2;
    this.#devices.set(userId, small ? raiseMark(devices, deviceHash, at) : new Map([...markPairs(devices), [deviceHash, at]]));
    return previous ?? null;
  }

  /** The user's known devices, in order of first sighting. */
  devices(userId: string): { deviceHash: string; lastSeenAt: number }[] {
    const devices = this.#devices.get(userId);
    if (devices === undefined) return [];
    return [...(devices instanceof Map ? devices : markPairs(devices))].map(([deviceHash, lastSeenAt]) => ({ deviceHash, lastSeenAt }));
  }

  /** Stores a link (a copy). */
  saveLink(link: RevocationLinkRecord): void {
    this.#links.set(link.id, Object.freeze({ ...link, secretHash: Uint8Array.from(link.secretHash) }));
  }

  /** Deletes and answers the link when the hash matches and it has not run out. */
  consumeLink(id: string, secretHash: Uint8Array, now: number): RevocationLinkRecord | null {
    const link = this.#links.get(id);
    if (link === undefined || link.expiresAt <= now || link.secretHash.length !== secretHash.length || !timingSafeEqual(link.secretHash, secretHash)) return null;
    this.#links.delete(id);
    return link;
  }

  /** Everything of the user: entries, devices, links. Answers nothing (no count is promised). */
  erase(userId: string): void {
    this.#byUser.delete(userId);
    this.#devices.delete(userId);
    for (const [id, link] of this.#links) if (link.userId === userId) this.#links.delete(id);
  }

  /**
   * Deletes at most `budget` things that ran out: entries at or before `activityBefore`,
   * devices last seen at or before `devicesBefore`, links past their expiry.
   */
  prune(now: number, budget: number, activityBefore: number | undefined, devicesBefore: number | undefined): void {
    let left = budget;
    if (activityBefore !== undefined) {
      for (const logs of [this.#byUser, this.#byTenant]) {
        for (const [owner, log] of logs) {
          if (left <= 0) return;
          // Sorted by id, which follows time: the old entries are at the front.
          let cut = 0;
          while (cut < log.length && cut < left && log[cut]!.at <= activityBefore) cut++;
          left -= cut;
          if (cut === log.length) logs.delete(owner);
          // A copy of exactly the rest (splice would keep the old length's room).
          else if (cut > 0) logs.set(owner, log.slice(cut));
        }
      }
    }
    if (devicesBefore !== undefined) {
      for (const [userId, devices] of this.#devices) {
        if (left <= 0) return;
        if (devices instanceof Map) {
          for (const [hash, lastSeenAt] of devices) {
            if (left <= 0) break;
            if (lastSeenAt <= devicesBefore) {
              devices.delete(hash);
              left--;
            }
          }
          if (devices.size === 0) this.#devices.delete(userId);
          continue;
        }
        const kept: (string | number)[] = [];
        let index = 0;
        for (; index < devices.length && left > 0; index += 2) {
          if ((devices[index + 1] as number) <= devicesBefore) left--;
          else kept.push(devices[index]!, devices[index + 1]!);
        }
        if (kept.length === index) continue;
        const rest = kept.concat(devices.slice(index));
        if (rest.length === 0) this.#devices.delete(userId);
        else this.#devices.set(userId, rest);
      }
    }
    for (const [id, link] of this.#links) {
      if (left <= 0) return;
      if (link.expiresAt <= now) {
        this.#links.delete(id);
        left--;
      }
    }
  }

  /** Drops everything (the store closed). */
  // Stryker disable next-line BlockStatement: a closed store answers nothing, so clearing only frees memory
  clear(): void {
    this.#byUser.clear();
    this.#byTenant.clear();
    this.#devices.clear();
    this.#links.clear();
  }
}

// Entries almost always arrive in id order: a search from the end is one step.
function sortedIndex(log: Log, entry: ActivityRecord): number {
  let index = log.length;
  while (index > 0 && log[index - 1]!.id > entry.id) index--;
  return index;
}

