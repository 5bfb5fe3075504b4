/** A "This wasn't me" link as a store keeps it: only the hash of its secret. */
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
   * The device key (browser and OS) the link signs out. Absent for an unknown browser or OS,
   * and for a support session (its browser is the admin's, not the user's).
   */
  readonly deviceKey?: string | undefined;
  /** The tenant of that session, when it had one. */
  readonly tenantId?: string | undefined;
}

/** One-time links. Every method rejects as the core methods do. */
export interface RevocationLinkStore {
  /** Stores a link, answered as given: an absent `deviceKey` or `tenantId` stays absent (never `null`). */
  saveRevocationLink(link: RevocationLinkRecord): Promise<void>;

  /**
   * Uses a link once: when the id, the hash and `expiresAt > now` match, deletes and answers it,
   * atomically. Otherwise changes nothing, so a forged secret does not use up the genuine link.
   * @returns The link, or `null`.
   */
  consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null>;
}
