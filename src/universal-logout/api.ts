/**
 * Universal Logout: the app's side of the draft "Global Token Revocation" (Okta Universal
 * Logout), served by the session routes' `globalTokenRevocation` option.
 *
 * @module
 */

/**
 * An identity provider allowed to sign users out through `POST <prefix>/global-token-revocation`.
 * Its requests carry `Authorization: Bearer <JWT>`, signed with one of its keys.
 */
export interface GlobalTokenRevocationIssuer {
  /**
   * The provider's issuer identifier, exactly as its bearer tokens' `iss` names it (a trailing
   * slash counts): Okta's org URL. An https URL; plain http only on 127.0.0.0/8, ::1 or localhost.
   */
  readonly issuer: string;
  /**
   * The provider's JWKS URL (https; plain http only on the loopback). Without it, `jwks_uri` is
   * read from `<issuer>/.well-known/openid-configuration`, else from the OAuth authorization
   * server metadata (`/.well-known/oauth-authorization-server`, RFC 8414), once, cached, and
   * held to the same rule.
   */
  readonly jwksUri?: string | undefined;
  /**
   * What a bearer's `aud` must contain. Set it to the endpoint's public URL as registered with
   * the provider: the default is the URL the request reached, built from its `Host` (or
   * `X-Forwarded-Host` with `trustProxy`), which a client chooses.
   * @default the request's own URL: scheme, host, `<prefix>/global-token-revocation`
   */
  readonly audience?: string | undefined;
}

/**
 * The user a Universal Logout request names: its `sub_id`, a subject identifier (RFC 9493) of
 * the `email` format (`email`) or the `iss_sub` format (`iss` and `sub`, the user at that
 * provider). Other formats are answered `400` before the app is asked.
 */
export interface GlobalTokenRevocationSubject {
  /** The subject identifier format. */
  readonly format: 'email' | 'iss_sub';
  /** With `email`: the address, as sent (not normalised). */
  readonly email?: string | undefined;
  /** With `iss_sub`: the issuer the user signs in with. */
  readonly iss?: string | undefined;
  /** With `iss_sub`: the user's identifier at that issuer. */
  readonly sub?: string | undefined;
}

/** The session routes' `globalTokenRevocation` option. */
export interface GlobalTokenRevocationOptions {
  /** The providers whose signed requests are accepted; any other bearer is answered `401`. */
  readonly issuers: readonly GlobalTokenRevocationIssuer[];
  /**
   * The local user a request names, or `undefined` when there is none (answered `404`, as the
   * draft says). Asked only once the bearer is valid. What it throws is answered `503` and
   * reported to `onError`; nothing ends.
   */
  resolveSubject(subject: GlobalTokenRevocationSubject): string | undefined | Promise<string | undefined>;
}
