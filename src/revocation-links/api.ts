/**
 * "This wasn't me" links: the manager methods of the revocation-links feature.
 *
 * @module
 */

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
  /**
   * The sessions this redemption ended on that device: the one the link named and any session
   * of the same browser and OS that replaced it since (a sign-in again, a password change).
   * Empty when the device had no live session left (it was signed out already).
   */
  readonly revokedIds: readonly string[];
}

/** "This wasn't me" links: the manager methods of the revocation-links feature. */
export interface RevocationLinkActions {
  /**
   * Makes a "This wasn't me" link for an email about a new sign-in: a one-time opaque token of
   * which the store keeps only a hash. Put it in a URL to the session routes' `/not-me` page
   * (`?token=`), which asks for confirmation and acts only on POST.
   * @param sessionId - The session the email is about.
   * @param options - How long the link works.
   * @returns The token, or `null` when no such session exists.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no
   * activity; `INVALID_INPUT` for a bad ttl; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  issueRevocationLink(sessionId: string, options?: RevocationLinkOptions): Promise<string | null>;

  /**
   * Uses a "This wasn't me" link once: revokes its session (reason `not_me`) and, with
   * `everywhere`, every session of the user. Needs no session: the link is the proof.
   * @param token - The link's token.
   * @param options - Whether to sign out everywhere.
   * @returns What was done, or `null` when the link is refused: used before, altered, expired,
   * or not a link at all.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no
   * activity; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  redeemRevocationLink(token: unknown, options?: RedeemRevocationLinkOptions): Promise<RedeemedRevocationLink | null>;
}
