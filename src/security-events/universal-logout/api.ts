/** Universal Logout: the app's side of the draft "Global Token Revocation" (Okta Universal Logout). @module */

/** An identity provider allowed to sign users out through `POST <prefix>/global-token-revocation`. */
export interface GlobalTokenRevocationIssuer {
  /**
   * The provider's issuer, exactly as its bearers' `iss` (a trailing slash counts): https, plain http only on 127.0.0.0/8, ::1 or localhost.
   * It is the `by` of each revocation: at most 256 characters, without control characters or unpaired surrogates (else `INVALID_CONFIGURATION`).
   */
  readonly issuer: string;
  /** The provider's JWKS URL (https; plain http only on the loopback); without it, `jwks_uri` is read once from its OpenID Connect or OAuth (RFC 8414) metadata. */
  readonly jwksUri?: string | undefined;
  /** What a bearer's `aud` must contain: the endpoint's public URL as registered with the provider; required by the routes, which cannot trust `Host`. */
  readonly audience?: string | undefined;
}

/** The user a request's `sub_id` names (RFC 9493): the `email` format, or `iss_sub` (the user at that provider); others are answered `400`. */
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
  /** The providers whose signed requests are accepted; any other bearer is answered `401`. An issuer listed twice, also with and without its trailing `/`, is `INVALID_CONFIGURATION`. */
  readonly issuers: readonly GlobalTokenRevocationIssuer[];
  /**
   * The local user a request names, or `undefined` (`user_not_found`, `404`); asked once the bearer is valid and claimed, what it throws rejects the call.
   * `request.issuer` is the issuer whose bearer was taken: with several issuers, map an `email` only to a user that issuer may sign out.
   * An `iss_sub` of another issuer than the bearer's is refused (`other_issuer`) before this is asked.
   */
  resolveSubject(subject: GlobalTokenRevocationSubject, request: GlobalTokenRevocationContext): string | undefined | Promise<string | undefined>;
}

/** What {@link GlobalTokenRevocationOptions.resolveSubject} is told of the request besides its subject. */
export interface GlobalTokenRevocationContext {
  /** The configured issuer whose signed bearer the request carried. */
  readonly issuer: string;
}

/** Options of {@link GlobalTokenRevocationActions.globalTokenRevocation}: the routes option, and where the request arrived. */
export interface GlobalTokenRevocationRequestOptions extends GlobalTokenRevocationOptions {
  /**
   * The endpoint's public URL, what `aud` must contain for an issuer without `audience`: never built from `Host` or `X-Forwarded-Host`.
   * @default none: only bearers of issuers with an `audience` are accepted
   */
  readonly endpointUrl?: string | undefined;
}

/** Why a request was refused, nothing ended: `missing_bearer`, `invalid_bearer`, `replayed` (`401`); `invalid_request`, no `{ sub_id }` of a known format (`400`); `other_issuer`, an `iss_sub` of another issuer than the bearer's (`403`); `user_not_found` (`404`). */
export type GlobalTokenRevocationRefusal = 'missing_bearer' | 'invalid_bearer' | 'replayed' | 'invalid_request' | 'other_issuer' | 'user_not_found';

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
   * Takes one Universal Logout request and, when its bearer and body pass every check, ends every session of the user it names
   * (reason `security_event`, `by` the issuer). The bearer: signed asymmetrically by a key a configured `iss` publishes, `aud` its
   * `audience` (or `endpointUrl`), `iat` at most 5 minutes old, `exp` not passed, a `jti` claimed per issuer for the user the body
   * names before `resolveSubject` is asked, and marked done once carried out (so after a failure it can be sent again for that user).
   * @param bearer - The JWT of `Authorization: Bearer <JWT>`, without the scheme; `undefined` when none was sent.
   * @returns What was done, or why the request was refused (never throws for a bad request).
   * @throws {@link session-revocation!SessionError} `KEYS_UNAVAILABLE` when the issuer's keys cannot be read, or lack the bearer's
   * `kid` when fetched less than 30 s before it came (503: a key published since may be the one);
   * `INVALID_CONFIGURATION`; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`; what `resolveSubject` throws.
   * @example
   * ```ts
   * const result = await sessions.globalTokenRevocation(bearer, await request.json(), {
   *   issuers: [{ issuer: 'https://example.okta.com', audience: 'https://app.example.com/sessions/global-token-revocation' }],
   *   resolveSubject: (subject, { issuer }) => users.idByEmail(issuer, subject.email),
   * });
   * ```
   */
  globalTokenRevocation(bearer: unknown, body: unknown, options: GlobalTokenRevocationRequestOptions): Promise<GlobalTokenRevocationResult>;
}
