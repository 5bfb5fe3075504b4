/**
 * Universal Logout: the app's side of the draft "Global Token Revocation" (Okta Universal
 * Logout): `sessions.globalTokenRevocation()`, served by the session routes'
 * `globalTokenRevocation` option.
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
   * What a bearer's `aud` must contain: the endpoint's public URL as registered with the
   * provider. Required by the session routes: the URL a request reached could only be read from
   * its `Host`, which the sender chooses, so a bearer signed for another app's endpoint would pass.
   * `sessions.globalTokenRevocation()` takes an issuer without it when given `endpointUrl`.
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
   * The local user a request names, or `undefined` when there is none (`user_not_found`,
   * answered `404` as the draft says). Asked only once the bearer is valid and claimed. What it
   * throws rejects the call (the route answers `503` and reports it to its `onError`): nothing
   * ends, and the same bearer is taken again.
   */
  resolveSubject(subject: GlobalTokenRevocationSubject): string | undefined | Promise<string | undefined>;
}

/** Options of {@link GlobalTokenRevocationActions.globalTokenRevocation}: the routes option, and where the request arrived. */
export interface GlobalTokenRevocationRequestOptions extends GlobalTokenRevocationOptions {
  /**
   * The endpoint's public URL (scheme, host and path), as the app knows it: what a bearer's `aud`
   * must contain for an issuer without its own `audience`. Never build it from the request's
   * `Host` or `X-Forwarded-Host`: the sender chooses those.
   * @default none: only bearers of issuers with an `audience` are accepted
   */
  readonly endpointUrl?: string | undefined;
}

/**
 * Why a request was refused; nothing ended. `missing_bearer`: no bearer (the route answers
 * `401` with `WWW-Authenticate: Bearer`). `invalid_bearer`: not a JWT signed by a configured
 * issuer's key with an allowed asymmetric algorithm, or its `aud`, `iat` (at most 5 minutes
 * old), `exp` or `jti` is missing or wrong (`401`, `error="invalid_token"`). `replayed`: a
 * bearer already taken by an instance sharing the store (`401`, as `invalid_bearer`).
 * `invalid_request`: the body is not `{ sub_id }` with an `email` or `iss_sub` subject (`400`).
 * `user_not_found`: `resolveSubject` found no user (`404`).
 */
export type GlobalTokenRevocationRefusal = 'missing_bearer' | 'invalid_bearer' | 'replayed' | 'invalid_request' | 'user_not_found';

/** What {@link GlobalTokenRevocationActions.globalTokenRevocation} did. */
export type GlobalTokenRevocationResult =
  | {
      /** Every session of the user ended (also when none was live: still a success, `204`). */
      readonly ok: true;
      /** The issuer whose bearer was taken: `by` of the revocation. */
      readonly issuer: string;
      /** The local user `resolveSubject` answered. */
      readonly userId: string;
    }
  | {
      /** The request was refused; nothing ended. */
      readonly ok: false;
      /** Why. */
      readonly reason: GlobalTokenRevocationRefusal;
    };

/** The Universal Logout method of the session manager. */
export interface GlobalTokenRevocationActions {
  /**
   * Takes one Universal Logout request (draft "Global Token Revocation", section 3; Okta
   * Universal Logout) and, when its bearer and body pass every check, ends every session of
   * every kind of the user it names, reason `security_event`, `by` the issuer (an event and an
   * activity entry, as `revokeAll()`).
   *
   * In order: the bearer is verified (an asymmetric algorithm, a signature by a key the issuer
   * publishes, found as {@link GlobalTokenRevocationIssuer.jwksUri} says and cached for the
   * manager's life; `iss` a configured issuer, `aud` its `audience` or `endpointUrl`, `iat` at
   * most 5 minutes old and `exp` not passed on the manager's clock, with 60 s of tolerance, and
   * a `jti`); its `jti` is claimed in the store, once per issuer across every instance sharing
   * it, so a bearer is taken once (a replay is `replayed`: the bearer does not bind the body, so
   * a replay may name another user); the body is read; `resolveSubject` finds the user. When
   * `resolveSubject` or ending the sessions fails, the claim is released and the call rejects:
   * the same bearer sent again is taken.
   *
   * A bearer without `jti` is refused: Okta authenticates with a private_key_jwt, whose `jti`
   * OpenID Connect Core 1.0 (section 9) makes REQUIRED and single-use. A provider that sends
   * none cannot use this method.
   *
   * @param bearer - The JWT of `Authorization: Bearer <JWT>` (without the scheme), of any type;
   * `undefined` when none was sent.
   * @param body - The request's JSON body, parsed, of any type.
   * @param options - The accepted issuers, `resolveSubject`, and the URL the request reached.
   * @returns What was done, or why the request was refused (never throws for a bad request).
   * @throws {@link session-revocation!SessionError} `KEYS_UNAVAILABLE` when the issuer's
   * metadata or keys cannot be read (answer 503; nothing ended); `INVALID_CONFIGURATION` for
   * bad options; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`; what `resolveSubject` throws.
   *
   * @example
   * ```ts
   * const result = await sessions.globalTokenRevocation(bearer, await request.json(), {
   *   issuers: [{ issuer: 'https://example.okta.com', audience: 'https://app.example.com/sessions/global-token-revocation' }],
   *   resolveSubject: (subject) => users.idByEmail(subject.email),
   * });
   * ```
   */
  globalTokenRevocation(bearer: unknown, body: unknown, options: GlobalTokenRevocationRequestOptions): Promise<GlobalTokenRevocationResult>;
}
