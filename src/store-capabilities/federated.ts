/**
 * The federated sign-out capability of a store: which sessions came from which identity
 * provider session, and which logout tokens were already accepted. A store that has it lets
 * `sessions.backchannelLogout()` find the sessions a provider's logout names, on every instance.
 *
 * Like the core contract, these methods never read a clock: times come in as arguments (ms).
 *
 * @module
 */

/** Where a session came from: the provider's issuer, the user's subject there and the provider's session id. */
export interface FederatedIdentity {
  /** The provider's issuer identifier (the ID token's `iss`). */
  readonly iss: string;
  /** The user's subject at that provider (the ID token's `sub`). */
  readonly sub: string;
  /** The provider's session id (the ID token's `sid`), when it sends one. */
  readonly sid?: string | undefined;
}

/** A session's federated origin as a store keeps it, beside (not inside) the session row. */
export interface FederatedLink extends FederatedIdentity {
  /** The session. */
  readonly sessionId: string;
  /** The session's owner. */
  readonly userId: string;
  /** The session's absolute expiry (ms): the link is answered while `expiresAt > now`, then pruned. */
  readonly expiresAt: number;
}

/**
 * Which links {@link FederatedStore.findFederatedLinks} answers: those of one provider
 * session, of one user at one provider, or of one local user (for `list`, export and erase).
 */
export type FederatedQuery =
  | {
      /** By the provider's session. */
      readonly by: 'sid';
      /** The provider's issuer. */
      readonly iss: string;
      /** The provider's session id. */
      readonly sid: string;
    }
  | {
      /** By the user at the provider. */
      readonly by: 'sub';
      /** The provider's issuer. */
      readonly iss: string;
      /** The user's subject at the provider. */
      readonly sub: string;
    }
  | {
      /** By the local user. */
      readonly by: 'user';
      /** The local user id. */
      readonly userId: string;
    };

/** Federated links and logout-token replay. Every method rejects with `STORE_UNAVAILABLE`, `STORE_ERROR` or `CLOSED` as the core methods do. */
export interface FederatedStore {
  /**
   * Records where a session came from, right after `create`. Saving the same session id again
   * replaces its link.
   * @param link - The link; texts are bounded by the manager (see `FEDERATED_LIMITS`).
   */
  saveFederatedLink(link: FederatedLink): Promise<void>;

  /**
   * Links matching the query whose `expiresAt > now`, in any order. Matching is exact (case
   * and every byte count). Never writes. Revoked sessions may still be answered: the manager
   * judges every session it reads.
   * @param query - By provider session, by provider user, or by local user.
   * @param now - The present (ms).
   * @returns The links.
   */
  findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]>;

  /**
   * The replay guard of logout tokens: remembers `(iss, jti)` until `until` (ms) and answers
   * whether it was new, atomically across every instance sharing the store (of two concurrent
   * calls with the same pair, exactly one answers `true`). A pair remembered before answers
   * `false` and changes nothing until it is forgotten, which is never before `until` (pruned,
   * or a key that expires) unless {@link forgetLogoutToken} releases it. The manager claims a
   * token this way before it revokes anything, so only one delivery of it ever revokes. A
   * rejection does not prove the pair was not remembered (an answer lost with the
   * connection): the manager then releases it with {@link forgetLogoutToken}.
   * @param iss - The token's issuer.
   * @param jti - The token's id.
   * @param until - When the pair may be forgotten (ms): the first instant the token is no
   * longer accepted, always in the future when the manager calls.
   * @returns `true` the first time.
   */
  rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean>;

  /**
   * Forgets `(iss, jti)` at once, on every instance: the next {@link rememberLogoutToken} of
   * the pair answers `true`. The manager calls it when claiming a token threw, or ending the
   * sessions of a token it has just claimed failed, so the provider's next delivery of the
   * token is not a replay.
   * Forgetting a pair that is not remembered does nothing.
   * @param iss - The token's issuer.
   * @param jti - The token's id.
   */
  forgetLogoutToken(iss: string, jti: string): Promise<void>;

  /**
   * Deletes every link of the user (a "delete my data" request). Remembered token ids stay:
   * they name no user.
   * @param userId - The user.
   */
  eraseFederatedLinks(userId: string): Promise<void>;

  /**
   * Deletes up to `limit` links with `expiresAt <= now` and remembered token ids past their
   * `until`, in one bounded batch. Stores whose keys expire by themselves answer 0.
   * @param now - The present (ms).
   * @param limit - Upper bound on what one call deletes.
   * @returns How many links were deleted.
   */
  pruneFederated(now: number, limit: number): Promise<number>;
}

/** The sizes the manager guarantees for what it hands a {@link FederatedStore} (characters). */
export const FEDERATED_LIMITS = Object.freeze({
  /** `iss`: an https URL. */
  issLength: 512,
  /** `sub`: OpenID Connect Core caps it at 255 ASCII characters. */
  subLength: 255,
  /** `sid` and a logout token's `jti`. */
  idLength: 255,
});
