/** Options of {@link SessionManager.issueRevocationLink}. */
export interface RevocationLinkOptions {
  /** How long the link works, in ms (1 minute to 30 days). @default 7 days */
  readonly ttl?: number | undefined;
}

/** Options of {@link SessionManager.redeemRevocationLink}. */
export interface RedeemRevocationLinkOptions {
  /** Also sign the user out of every session of every kind. @default false */
  readonly everywhere?: boolean | undefined;
}

/** What a redeemed "This wasn't me" link did. */
export interface RedeemedRevocationLink {
  /** The user whose session it was. */
  readonly userId: string;
  /** The session the link named; revoked unless it had ended already. */
  readonly sessionId: string;
  /** Whether every session of the user was signed out too. */
  readonly everywhere: boolean;
  /** The sessions this redemption ended (without `everywhere`'s): the named one if live, and the live ones of its browser and OS in any tenant, of the kinds that replace devices. */
  readonly revokedIds: readonly string[];
  /** Whether the device could be told; `false` (unknown browser or OS, a kind that does not replace devices, a support session): only the named session ended. */
  readonly deviceFound: boolean;
}

/** "This wasn't me" links: the manager methods of the revocation-links feature. */
export interface RevocationLinkActions {
  /**
   * Makes a one-time "This wasn't me" token for a new-sign-in email and the routes' `/not-me?token=` page (which acts only on POST); the store keeps its hash.
   * @returns The token, or `null` when no such session exists.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no activity; `INVALID_INPUT` for a bad ttl; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  issueRevocationLink(sessionId: string, options?: RevocationLinkOptions): Promise<string | null>;

  /**
   * Uses a link once: revokes its session and that device's ({@link RedeemedRevocationLink.revokedIds}), with `everywhere` every session. The link is the proof.
   * Should marking it used fail twice (reported to `onError`), it works again a minute later.
   * @returns What was done, or `null` when the link is refused (used, altered, expired, not a link).
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no activity; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED` (the link is kept: at once, or a minute later when the store could not be told).
   */
  redeemRevocationLink(token: unknown, options?: RedeemRevocationLinkOptions): Promise<RedeemedRevocationLink | null>;
}
