/**
 * The revocation-link capability of a store: one-time "This wasn't me" links. Stores with the
 * activity capability have it too (the manager needs both for the links' alerts).
 *
 * @module
 */

/** A "This wasn't me" link as a store keeps it: like a session, only the hash of its secret. */
export interface RevocationLinkRecord {
  /** 22 base64url characters. */
  readonly id: string;
  /** SHA-256 of the link token's secret part, 32 bytes. */
  readonly secretHash: Uint8Array;
  /** The user whose session the link revokes. */
  readonly userId: string;
  /** The session the link revokes. */
  readonly sessionId: string;
  /** After this time (ms) the link is refused; `prune` deletes it. */
  readonly expiresAt: number;
  /**
   * The device key of that session (its browser and OS), which the link signs out: the session
   * outlives its row only through the link. Absent for a session of unknown browser or OS, for
   * a support session (its browser is the admin's, not the user's), and in links saved by a
   * release before this field.
   */
  readonly deviceKey?: string | undefined;
  /** The tenant of that session; absent when it had none (or the link predates this field). */
  readonly tenantId?: string | undefined;
}

/** One-time links. Every method rejects with `STORE_UNAVAILABLE`, `STORE_ERROR` or `CLOSED` as the core methods do. */
export interface RevocationLinkStore {
  /**
   * Stores a link with every field, to be answered as it was given: an absent `deviceKey` or
   * `tenantId` is answered absent (never `null`). Ids are unique. `eraseUser` deletes a user's
   * links, `prune` those past `expiresAt`.
   * @param link - The link, with the hash of its secret.
   */
  saveRevocationLink(link: RevocationLinkRecord): Promise<void>;

  /**
   * Uses a link once. When a link with this id exists, its hash equals `secretHash` and
   * `expiresAt > now`, deletes it and answers it, atomically (two concurrent calls: one gets
   * the link, the other `null`). Otherwise changes nothing and answers `null`: a forged secret
   * does not use up the genuine link.
   * @param id - The link's id.
   * @param secretHash - SHA-256 of the presented secret.
   * @param now - The present (ms).
   * @returns The link, or `null`.
   */
  consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null>;
}
