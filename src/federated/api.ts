/**
 * Federated sign-out: the manager's side of OpenID Connect Back-Channel Logout 1.0, as a
 * relying party.
 *
 * @module
 */
import type { FederatedIdentity } from '../store-records.js';

export type { FederatedIdentity } from '../store-records.js';

/**
 * One identity provider whose logout tokens are accepted, for one client id. An app registered
 * under several client ids at one provider lists one entry per client id (same `jwksUri` and
 * `algorithms`): a token whose `aud` names only these client ids is accepted (with an `azp`
 * among them when it names several).
 */
export interface BackchannelIssuer {
  /**
   * The provider's issuer identifier, exactly as in its metadata and its tokens' `iss` (a
   * trailing slash counts). An https URL; plain http only on 127.0.0.0/8, ::1 or localhost.
   */
  readonly issuer: string;
  /**
   * This app's client id at the provider: a logout token's `aud` must name it, or another
   * client id of this app at the same issuer, and nothing else.
   */
  readonly clientId: string;
  /**
   * The provider's JWKS URL (https; plain http only on the loopback). Without it, `jwks_uri`
   * is read from `<issuer>/.well-known/openid-configuration` (once; cached for the manager's
   * life) and held to the same rule.
   */
  readonly jwksUri?: string | undefined;
  /**
   * Signature algorithms accepted. Only asymmetric ones: `none` and `HS*` are refused when
   * configured (a provider's keys are public).
   * @default ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS384", "RS512", "PS384", "PS512"]
   */
  readonly algorithms?: readonly string[] | undefined;
}

/** Options of {@link FederatedActions.backchannelLogout}. */
export interface BackchannelLogoutOptions {
  /** The providers whose logout tokens are accepted; a token of any other issuer is refused. */
  readonly issuers: readonly BackchannelIssuer[];
  /**
   * How old a token's `iat` may be, in ms (and how far in the future, at most the clock
   * tolerance of 60 s).
   * @default 300_000 (5 minutes)
   */
  readonly maxTokenAge?: number | undefined;
  /**
   * Called with every refused token's reason (never the token itself), for logs and alerts: a
   * provider is not required to send a logout again, so a refusal can mean sessions that stay
   * live until they expire. Must not throw (what it throws goes to the manager's `onError`).
   * @default none
   */
  readonly onRefused?: ((refusal: BackchannelRefusalReport) => void) | undefined;
}

/** What {@link BackchannelLogoutOptions.onRefused} is told of one refused token. */
export interface BackchannelRefusalReport {
  /** Why it was refused. */
  readonly reason: BackchannelRefusal;
  /** The configured issuer the token named, when it named one (before its signature was checked). */
  readonly issuer: string | undefined;
  /**
   * With `unknown_issuer`: the token's own `iss`, unverified (anyone can send any text), when
   * it is printable text of at most 512 characters. Compare it with the configured `issuer`s: a
   * trailing slash or another scheme or host makes every token of the provider `unknown_issuer`.
   */
  readonly tokenIssuer?: string;
  /** With `keys_unavailable`: the error met fetching the provider's metadata or keys. */
  readonly cause?: unknown;
}

/**
 * Why a logout token was refused. `keys_unavailable` is the only one not about the token: the
 * provider's metadata or keys could not be fetched, or were not fetched again within 10 s of a
 * failed fetch, or the metadata names another issuer or a plain http `jwks_uri` (the HTTP
 * route answers 503).
 * `unknown_key`: the token names a `kid` the provider's keys lack, as fetched again for it or
 * at most 30 s before (jose fetches at most once per 30 s). `malformed` includes encrypted
 * (JWE) logout tokens, which are not supported.
 */
export type BackchannelRefusal =
  | 'missing'
  | 'too_large'
  | 'malformed'
  | 'unknown_issuer'
  | 'bad_algorithm'
  | 'bad_type'
  | 'bad_signature'
  | 'unknown_key'
  | 'bad_audience'
  | 'expired'
  | 'bad_iat'
  | 'missing_jti'
  | 'missing_event'
  | 'missing_subject'
  | 'nonce_present'
  | 'replayed'
  | 'keys_unavailable';

/** What {@link FederatedActions.backchannelLogout} did. */
export type BackchannelLogoutResult =
  | {
      /** The token was valid. */
      readonly ok: true;
      /** The issuer of the token. */
      readonly issuer: string;
      /** The sessions this logout ended (empty when none was live: still a success). */
      readonly revokedIds: readonly string[];
    }
  | {
      /** The token was refused; nothing was revoked. */
      readonly ok: false;
      /** Why. */
      readonly reason: BackchannelRefusal;
    };

/** Options of {@link rpLogoutUrl}. */
export interface RpLogoutUrlOptions {
  /** The provider's `end_session_endpoint`; or give `issuerMetadata`. */
  readonly endSessionEndpoint?: string | undefined;
  /** The provider's metadata (from discovery), holding `end_session_endpoint`. */
  readonly issuerMetadata?:
    | {
        /** The provider's RP-initiated logout endpoint. */
        readonly end_session_endpoint?: string | undefined;
      }
    | undefined;
  /** The ID token the provider issued at sign-in: it tells the provider which session to end. */
  readonly idTokenHint?: string | undefined;
  /** Where the provider sends the browser afterwards; must be registered with the provider. */
  readonly postLogoutRedirectUri?: string | undefined;
  /** This app's client id; recommended when there is no `idTokenHint`. */
  readonly clientId?: string | undefined;
  /** An opaque value the provider hands back on the redirect. */
  readonly state?: string | undefined;
}

/** The federated sign-out methods of the session manager. */
export interface FederatedActions {
  /**
   * Receives an OpenID Connect back-channel `logout_token` and, once it passes every check of
   * the specification's section 2.6, ends the sessions it names: with `sid`, the sessions
   * signed in through that provider session; with `sub` alone, every session of that user
   * signed in through that issuer; with both (what oidc-provider, Keycloak and Auth0 send),
   * that provider session's sessions and also the user's sessions from that issuer recorded
   * without a `sid` (nothing tells them apart from that provider session, so they end too).
   * Each ends like `revoke()` (reason `idp_logout`, `session.revoked` event and activity
   * entry); a session already ended (revoked, signed out everywhere, expired, idle) is left as
   * it is, with no event and no activity entry. With access tokens on, an idle session is
   * ended all the same: its access tokens still work until it is revoked.
   *
   * Checks: size, signature with the issuer's keys (discovered from its metadata, cached,
   * fetched again for an unknown `kid` at most every 30 s; while the provider fails, one fetch
   * shared by the requests waiting for it, then none for 10 s), an asymmetric algorithm from the
   * allow-list, `typ` `logout+jwt` when present, `iss` among `issuers`, every `aud` value a
   * client id of that issuer, an `azp` among them when there are several and one of them
   * whenever present (OpenID Connect Core 1.0, section 3.1.3.7, read strictly), `iat` within
   * `maxTokenAge`, `exp` when present (the 2023 errata of the specification make it REQUIRED;
   * tokens without it are accepted, their age bounded by `iat`), a `jti` never accepted before
   * by any instance sharing the store, the back-channel logout event, `sid` and/or `sub`, and
   * no `nonce`. Encrypted (JWE) logout tokens are not supported (`malformed`).
   *
   * The `jti` is claimed in the store, atomically, before anything is revoked: of every
   * delivery of a token, to any instance and at any moment of its window, exactly one is
   * accepted. When the claim itself throws (it may have been written though its answer was
   * lost: a dropped connection, a statement killed after its write, the manager's
   * `storeTimeout`), or ending the sessions then fails, the call throws and the claim is
   * released, so a later delivery of the same token is accepted and ends the sessions: after a
   * thrown `STORE_UNAVAILABLE` a retry is safe. A claim still unanswered at the deadline is
   * released once the store answers it (not if it answers that another delivery holds it).
   * Releasing is best effort: if it fails too (reported to the manager's `onError`), the token
   * stays claimed and its sessions live until they end otherwise.
   *
   * The specification does not ask providers to send a logout again after a failure, and
   * some never do (oidc-provider sends each token once and emits `backchannel.error` for any
   * answer but 200 or 204). A refusal or an error can therefore leave sessions live: watch
   * `onRefused` and the errors (the route reports them to its `onError`), and end the sessions
   * yourself when they matter (`revokeAll()` for that user).
   *
   * @param logoutToken - The `logout_token` form field, of any type.
   * @param options - The accepted providers.
   * @returns What was ended, or why the token was refused (never throws for a bad token).
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for bad `issuers`
   * (a plain http issuer or `jwksUri` off the loopback among them) or a store without the
   * federated capability; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   *
   * @example
   * ```ts
   * const result = await sessions.backchannelLogout(form.get('logout_token'), {
   *   issuers: [{ issuer: 'https://login.example.com', clientId: 'my-app' }],
   * });
   * ```
   */
  backchannelLogout(logoutToken: unknown, options: BackchannelLogoutOptions): Promise<BackchannelLogoutResult>;
}

/** The federated origin of a session as `list()` shows it. */
export type FederatedView = FederatedIdentity;
