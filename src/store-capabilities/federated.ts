/**
 * The federated sign-out capability of a store: which sessions came from which identity
 * provider session, and which logout tokens were already accepted. Never reads a clock.
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

/** Which links {@link FederatedStore.findFederatedLinks} answers: by provider session, provider user, or local user. */
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

/** Federated links and logout-token replay. Every method rejects as the core methods do. */
export interface FederatedStore {
  /** Records where a session came from; saving the same session id again replaces its link. */
  saveFederatedLink(link: FederatedLink): Promise<void>;

  /**
   * Links matching the query exactly whose `expiresAt > now`, in any order. Never writes;
   * revoked sessions may be answered (the manager judges each).
   */
  findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]>;

  /**
   * The replay guard of logout tokens: remembers `(iss, jti)` until `until` (ms), atomically
   * across instances (of two concurrent calls, exactly one answers `true`). A remembered pair
   * answers `false` until `until`, unless {@link forgetLogoutToken} releases it.
   * @returns `true` the first time.
   */
  rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean>;

  /**
   * Forgets `(iss, jti)` at once, so the provider's next delivery is not a replay when ending
   * the token's sessions failed. Forgetting an unknown pair does nothing.
   */
  forgetLogoutToken(iss: string, jti: string): Promise<void>;

  /** Deletes every link of the user. Remembered token ids stay: they name no user. */
  eraseFederatedLinks(userId: string): Promise<void>;

  /**
   * Deletes up to `limit` links and token ids past their expiry. Stores whose keys expire by themselves answer 0.
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
