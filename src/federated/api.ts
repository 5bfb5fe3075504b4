/** Federated sign-out: the manager's side of OpenID Connect Back-Channel Logout 1.0, as a relying party. @module */

export type { FederatedIdentity } from '../store-records.js';

/** One identity provider whose logout tokens are accepted, for one client id; several client ids at one provider are one entry each, with the same `jwksUri` and `algorithms`. */
export interface BackchannelIssuer {
  /** The provider's issuer, exactly as its tokens' `iss` (a trailing slash counts): https, plain http only on 127.0.0.0/8, ::1 or localhost. */
  readonly issuer: string;
  /** This app's client id at the provider: a token's `aud` may name only this app's client ids. */
  readonly clientId: string;
  /** The provider's JWKS URL (https; plain http only on the loopback); without it, `jwks_uri` is read once from `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUri?: string | undefined;
  /**
   * Signature algorithms accepted, asymmetric only: `none` and `HS*` are refused (a provider's keys are public).
   * @default ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS384", "RS512", "PS384", "PS512"]
   */
  readonly algorithms?: readonly string[] | undefined;
}

/** Options of {@link FederatedActions.backchannelLogout}. */
export interface BackchannelLogoutOptions {
  /** The providers whose logout tokens are accepted; a token of any other issuer is refused. */
  readonly issuers: readonly BackchannelIssuer[];
  /** How old a token's `iat` may be, in ms (60 s of clock tolerance). @default 300_000 (5 minutes) */
  readonly maxTokenAge?: number | undefined;
  /** Called with every refused token's reason (never the token), for logs and alerts: a provider need not send a logout again. What it throws, or its promise rejects, goes to `onError`. @default none */
  readonly onRefused?: ((refusal: BackchannelRefusalReport) => void) | undefined;
}

/** What {@link BackchannelLogoutOptions.onRefused} is told of one refused token. */
export interface BackchannelRefusalReport {
  /** Why it was refused. */
  readonly reason: BackchannelRefusal;
  /** The configured issuer the token named, when it named one (before its signature was checked). */
  readonly issuer: string | undefined;
  /** With `unknown_issuer`: the token's own `iss`, unverified, when printable and at most 512 characters (a near miss shows a misconfiguration). */
  readonly tokenIssuer?: string;
  /** With `keys_unavailable`: the error met fetching the provider's metadata or keys. */
  readonly cause?: unknown;
}

/** Why a logout token was refused; `missing` over HTTP: no one `logout_token` in a form of at most 9 KB; `keys_unavailable`: metadata or keys unreadable (503); `malformed` includes JWE. */
export type BackchannelRefusal =
  | 'missing' | 'too_large' | 'malformed' | 'unknown_issuer' | 'bad_algorithm' | 'bad_type' | 'bad_signature' | 'unknown_key' | 'bad_audience'
  | 'expired' | 'bad_iat' | 'missing_jti' | 'missing_event' | 'missing_subject' | 'nonce_present' | 'replayed' | 'keys_unavailable';

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
  readonly issuerMetadata?: {
    /** The provider's issuer: when https, its metadata was read over https and must name an https endpoint. */
    readonly issuer?: string | undefined;
    /** The provider's RP-initiated logout endpoint. */
    readonly end_session_endpoint?: string | undefined;
  } | undefined;
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
   * Takes an OpenID Connect back-channel `logout_token` and, once it passes every check of section 2.6, ends the live sessions it
   * names (reason `idp_logout`): with `sid`, those of that provider session; with `sub`, the user's from that issuer (with both,
   * those without a `sid` too). Its `jti` is claimed in the store first and marked done once the sessions ended: a delivery after
   * that is `replayed`; one meeting a delivery still at work, or one that failed, acts too, so a retry after `STORE_UNAVAILABLE`
   * is safe. Sessions already ended are left as they are. Providers need not resend a logout, so watch `onRefused` and the errors.
   * @param logoutToken - The `logout_token` form field, of any type.
   * @returns What was ended, or why the token was refused (never throws for a bad token).
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for bad `issuers` (plain
   * http off the loopback among them); `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   * @example
   * ```ts
   * const result = await sessions.backchannelLogout(form.get('logout_token'), { issuers: [{ issuer: 'https://login.example.com', clientId: 'my-app' }] });
   * ```
   */
  backchannelLogout(logoutToken: unknown, options: BackchannelLogoutOptions): Promise<BackchannelLogoutResult>;
}
