/**
 * The Shared Signals receiver: the manager's side of the OpenID Shared Signals Framework 1.0
 * (Security Event Tokens, RFC 8417), with the CAEP 1.0 and RISC 1.0 event types.
 *
 * @module
 */

/**
 * A subject identifier (RFC 9493) as a SET names it: `format` and that format's members.
 * Google's RISC transmitter names the format `subject_type`; it is read as `format`.
 */
export interface SecurityEventSubject {
  /** `email`, `iss_sub`, `opaque`, `phone_number`, `aliases`, ... */
  readonly format: string;
  /** Every other member, as sent (`email`, `iss`, `sub`, `id`, ...). */
  readonly [member: string]: unknown;
}

/** A transmitter the app receives Security Event Tokens from. */
export interface SecurityEventTransmitter {
  /**
   * The transmitter's issuer: a SET's `iss` must be exactly this (a trailing slash counts). An
   * https URL; plain http only on 127.0.0.0/8, ::1 or localhost. It is the `by` of each revocation: at
   * most 256 characters, without control characters or unpaired surrogates (else `INVALID_CONFIGURATION`).
   */
  readonly issuer: string;
  /** What a SET's `aud` must contain (one of these): the value this app was registered with. */
  readonly audience: string | readonly string[];
  /**
   * The transmitter's JWKS URL (https; plain http only on the loopback). Without it, `jwks_uri`
   * is read once from its `ssf-configuration` (else `risc-configuration`) metadata.
   */
  readonly jwksUri?: string | undefined;
  /**
   * Signature algorithms accepted. Only asymmetric ones: `none` and `HS*` are refused when
   * configured (a transmitter's keys are public).
   * @default ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS384", "RS512", "PS384", "PS512"]
   */
  readonly algorithms?: readonly string[] | undefined;
  /** Push delivery only: the exact `Authorization` value the transmitter sends; else `authentication_failed`. */
  readonly authorization?: string | undefined;
  /**
   * Turns a subject that is not a provider identity (`email`, `phone_number`, an `opaque` id of an
   * event about an account, a complex subject's `user` member with an `opaque` id, given the
   * member itself, ...) into a local user id, or `undefined` (or `null`) for none. Without it such
   * subjects end nothing; what it throws rejects the call (a poll round judges its other SETs first).
   * It is told the subject, and a complex subject's `tenant` member beside it (`where.tenant`, for an app that keeps a user per tenant). An `iss_sub` of another
   * issuer comes here too (and this transmitter's own, for an event about an account when no session through the provider is live any more): map this
   * transmitter's subjects only, never with a function shared by every transmitter.
   */
  readonly resolveSubject?: ((subject: SecurityEventSubject, where: { readonly tenant?: SecurityEventSubject }) => string | null | undefined | Promise<string | null | undefined>) | undefined;
  /**
   * Maps a complex subject's `tenant` member (the provider's tenant, such as an Okta org id) to your tenant id, which then limits what ends to
   * that tenant's sessions and those in no tenant; `undefined` (or `null`) when it is none of yours: it limits nothing. Without it an `opaque`
   * tenant id is taken as yours as sent. What it throws rejects the call.
   */
  readonly resolveTenant?: ((tenant: SecurityEventSubject) => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

/** Options of {@link SecurityEventActions.securityEvent}. */
export interface SecurityEventOptions {
  /** The transmitters whose SETs are accepted; a SET of any other issuer is refused `invalid_issuer`. An issuer listed twice, also with and without its trailing `/`, is `INVALID_CONFIGURATION`. */
  readonly transmitters: readonly SecurityEventTransmitter[];
  /**
   * Called with every refused SET's reason (never the SET), for logs and alerts; what it throws,
   * or its promise rejects, goes to the manager's `onError` (the push route's own refusals, before
   * the SET is read: to the session middleware's `onError`).
   * @default none
   */
  readonly onRefused?: ((report: SecurityEventRefusalReport) => void) | undefined;
}

/**
 * Why a SET was refused, as RFC 8935 (section 2.4) codes it. `invalid_request`: malformed or
 * outside the SSF profile; `invalid_key`: signature, `kid` or algorithm refused.
 */
export type SecurityEventError = 'invalid_request' | 'invalid_key' | 'invalid_issuer' | 'invalid_audience' | 'authentication_failed';

/** What {@link SecurityEventOptions.onRefused} is told of one refused SET. */
export interface SecurityEventRefusalReport {
  /** The RFC 8935 error code. */
  readonly err: SecurityEventError;
  /** A sentence for logs and for the transmitter (`description` of RFC 8935): never the SET's own text. */
  readonly description: string;
  /** The configured issuer the SET named, when it named one. */
  readonly issuer: string | undefined;
}

/** What {@link SecurityEventActions.securityEvent} did. */
export type SecurityEventResult =
  | {
      /** The SET was valid and acknowledged (also when it ended nothing). */
      readonly ok: true;
      /** Its transmitter's issuer. */
      readonly issuer: string;
      /** Its `jti`. */
      readonly jti: string;
      /** Its one event type URI. */
      readonly eventType: string;
      /** The sessions it ended, when known (a revocation of every session by epoch lists those live just before). */
      readonly revokedIds: readonly string[];
      /** The same `jti` was accepted before (by any instance sharing the store): nothing was done again. */
      readonly replayed: boolean;
    }
  | {
      /** The SET was refused; nothing ended. */
      readonly ok: false;
      /** The RFC 8935 error code. */
      readonly err: SecurityEventError;
      /** A sentence saying why. */
      readonly description: string;
    };

/** The Shared Signals methods of the session manager. */
export interface SecurityEventActions {
  /**
   * Receives one Security Event Token and, once it passes every check (RFC 8417 as the Shared
   * Signals Framework 1.0 profiles it), acts on it. Its `jti` is claimed in the store per
   * transmitter and marked done once acted on: a delivery after that answers ok with `replayed: true`; one meeting a delivery
   * still at work, or one that failed, acts too (ending sessions twice ends them once).
   *
   * Subjects: `iss_sub` names the sessions signed in through that provider user (never a local
   * user whose id is the `sub`); `opaque` (of CAEP `session-revoked`) or a complex subject's
   * `session` that provider session; an `opaque` id of another event (about an account) or in a
   * complex subject's `user` member names a user, not a provider session, so it goes through
   * `resolveSubject` as anything else does; a complex subject's
   * `tenant` (as the transmitter's `resolveTenant` maps it) limits the revocation to that tenant's sessions and those in no tenant.
   *
   * Actions (reason `security_event`, `by` the transmitter): CAEP `session-revoked` ends the
   * provider session or the user's sessions from that provider; CAEP `credential-change` as
   * `policy.onPasswordChange` says; RISC `account-disabled`, `account-purged`,
   * `identifier-changed` and `sessions-revoked` every session of the user; OAuth
   * `tokens-revoked` the user's `api` sessions. Other types are acknowledged and end nothing.
   *
   * @returns What was done, or why the SET was refused (never throws for a bad SET).
   * @throws {@link session-revocation!SessionError} `KEYS_UNAVAILABLE` when the transmitter's
   * metadata or keys cannot be read, or the SET names a key they lacked when fetched less than
   * 30 s ago (answer 503: sent again; nothing ended); `INVALID_CONFIGURATION` for
   * bad options; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`; what `resolveSubject` or
   * `resolveTenant` throws, and `INVALID_INPUT` when one answers no id (nothing ended).
   *
   * @example
   * ```ts
   * const result = await sessions.securityEvent(body, {
   *   transmitters: [{ issuer: 'https://idp.example.com', audience: 'https://app.example.com' }],
   * });
   * ```
   */
  securityEvent(set: unknown, options: SecurityEventOptions): Promise<SecurityEventResult>;
}
