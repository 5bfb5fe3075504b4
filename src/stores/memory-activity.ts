import { timingSafeEqual } from 'node:crypto';
import type { ActivityRecord, ListActivityOptions, RevocationLinkRecord } from '../store.js';

// The memory store's personal data beside the sessions: activity entries, known devices and
// "This wasn't me" links. Kept apart from the session rows so the hot path's structures stay
// as small as they are.

/** Entries of one owner (a user, or a tenant's own entries), oldest first. */
type Log = ActivityRecord[];

/** The activity, known devices and revocation links of a memory store. */
export class MemoryActivity {
  // Keyed by user id, and by tenant id for a tenant's own entries (two maps: ids are data).
  readonly #byUser = new Map<string, Log>();
  readonly #byTenant = new Map<string, Log>();
  readonly #devices = new Map<string, Map<string, number>>();
  readonly #links = new Map<string, RevocationLinkRecord>();

  /** Appends entries; each lands in its owner's log, kept sorted by id. */
  append(entries: readonly ActivityRecord[]): void {
    for (const entry of entries) {
      const copy = Object.freeze({ ...entry });
      const logs = entry.userId === undefined ? this.#byTenant : this.#byUser;
      const owner = entry.userId ?? entry.tenantId;
      if (owner === undefined) continue;
      let log = logs.get(owner);
      if (log === undefined) logs.set(owner, (log = []));
      insertSorted(log, copy);
    }
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
    let devices = this.#devices.get(userId);
    if (devices === undefined) this.#devices.set(userId, (devices = new Map()));
    const previous = devices.get(deviceHash);
    devices.set(deviceHash, Math.max(previous ?? at, at));
    return previous ?? null;
  }

  /** The user's known devices. */
  devices(userId: string): { deviceHash: string; lastSeenAt: number }[] {
    return [...(this.#devices.get(userId) ?? [])].map(([deviceHash, lastSeenAt]) => ({ deviceHash, lastSeenAt }));
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
          log.splice(0, cut);
          left -= cut;
          if (log.length === 0) logs.delete(owner);
        }
      }
    }
    if (devicesBefore !== undefined) {
      for (const [userId, devices] of this.#devices) {
        for (const [hash, lastSeenAt] of devices) {
          if (left <= 0) return;
          if (lastSeenAt <= devicesBefore) {
            devices.delete(hash);
            left--;
          }
        }
        if (devices.size === 0) this.#devices.delete(userId);
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
function insertSorted(log: Log, entry: ActivityRecord): void {
  let index = log.length;
  while (index > 0 && log[index - 1]!.id > entry.id) index--;
  log.splice(index, 0, entry);
}
