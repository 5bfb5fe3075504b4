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
   * The sessions this redemption ended (without `everywhere`'s): the one the link named, if it
   * was live, and every live session of that device. "That device" is the named session's
   * browser and OS (its device key, which the link carries from its issue) in its tenant (or,
   * for a session without one, without a tenant), in sessions of the kinds that replace devices
   * (`replaceDevice`: `browser`, `remember` and such app kinds), support sessions excepted. So
   * it takes in the sessions that device got since, by a sign-in again or a password change,
   * even once the named session's row is gone, and also any later sign-in of the user from the
   * same browser and OS on another computer, which the store cannot tell apart. A link about a
   * support session ends that session alone (its browser is the admin's). Empty when nothing
   * was live.
   */
  readonly revokedIds: readonly string[];
  /**
   * Whether the device could be told. `false` for a session of unknown browser or OS, a
   * support session, or a link issued by a release before links carried their device whose
   * session's row is gone too (expired and pruned): then only the named session was ended, and
   * that device may still hold another session.
   */
  readonly deviceFound: boolean;
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
   * Uses a "This wasn't me" link once: revokes its session and the sessions that device holds
   * now (reason `not_me`; see {@link RedeemedRevocationLink.revokedIds} for exactly which) and,
   * with `everywhere`, every session of the user of every kind. Needs no session: the link is
   * the proof.
   * @param token - The link's token.
   * @param options - Whether to sign out everywhere.
   * @returns What was done, or `null` when the link is refused: used before, altered, expired,
   * or not a link at all.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no
   * activity; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED` (the link is then kept, to be used again).
   */
  redeemRevocationLink(token: unknown, options?: RedeemRevocationLinkOptions): Promise<RedeemedRevocationLink | null>;
}
