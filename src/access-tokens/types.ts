import type { AccessTokenKey, KeyLike } from './keys.js';

/** Options of stateless access tokens (the manager's `accessTokens`). Durations in ms. */
export interface AccessTokenOptions {
  /** HS256 shared secret, at least 32 bytes. Shorthand for one HS256 key. */
  readonly secret?: string | Uint8Array;
  /** Private key (omit on services that only verify: such a manager needs the issuer's `store`, where it reads revocations). Shorthand for one key pair. */
  readonly privateKey?: KeyLike;
  /** Public key of `privateKey`. */
  readonly publicKey?: KeyLike;
  /** Algorithm of the key pair. @default "EdDSA" */
  readonly alg?: 'EdDSA' | 'ES256';
  /** Key rotation: newest first; the first key signs, every key verifies. */
  readonly keys?: readonly AccessTokenKey[];
  /** Default lifetime of an access token. @default 300_000 (5 minutes) */
  readonly ttl?: number;
  /** Longest lifetime `issueAccessToken` accepts. Given (the same on every instance), it bounds how long deny-list entries live; left out, they live until the session's expiry. @default 3_600_000 */
  readonly maxTtl?: number;
  /** `iss` claim set and required. */
  readonly issuer?: string;
  /** `aud` claim set and required. */
  readonly audience?: string;
  /** Allowed clock skew in ms (not seconds, unlike jose's option of that name), at most 60_000. @default 5_000 */
  readonly clockTolerance?: number;
  /** Tokens whose signature check is remembered until their `exp`. @default 10_000 */
  readonly verifiedCacheSize?: number;
}

/** Options of {@link SessionManager.issueAccessToken}. */
export interface IssueAccessTokenOptions {
  /** Lifetime in ms, at most `maxTtl`; `exp` is never later than the session's `expiresAt`. @default the `ttl` option */
  readonly ttl?: number;
}

/** Claims of an access token. `sct` is the session's `createdAt` in ms, for an exact epoch check. */
export interface AccessTokenClaims {
  /** The user id. */
  readonly sub: string;
  /** The session id the token was minted for. */
  readonly sid: string;
  /** The session's kind; its epoch is the one compared. */
  readonly kind: string;
  /** The session's `createdAt` in milliseconds: compared with the epoch exactly. */
  readonly sct: number;
  /** Issued at, in seconds. */
  readonly iat: number;
  /** Expiry, in seconds. */
  readonly exp: number;
  /** A random token id. */
  readonly jti: string;
  /** The session's tenant, when it has one. */
  readonly tid?: string;
  /** When the user last proved who they are on the session, in seconds; absent on a support session's tokens. */
  readonly auth_time?: number;
  /** On a support session's token: who acts as the user. Verifying it reads the store, so it ends with the admin's session. */
  readonly act?: {
    /** The impersonator's user id. */
    readonly sub: string;
  };
  /** Issuer, when the `issuer` option is set. */
  readonly iss?: string;
  /** Audience, when the `audience` option is set. */
  readonly aud?: string | string[];
}

/** Why an access token was refused. */
export type AccessTokenFailureReason = 'missing' | 'malformed' | 'unsupported' | 'invalid_signature' | 'expired' | 'invalid_claims' | 'revoked';

/** The result of {@link SessionManager.verifyAccessToken}: never thrown, always returned. */
export type AccessTokenVerification =
  | {
      /** The token is genuine, unexpired and not revoked. */
      readonly ok: true;
      /** Its verified claims. */
      readonly claims: AccessTokenClaims;
    }
  | {
      /** The token is refused. */
      readonly ok: false;
      /** Why. */
      readonly reason: AccessTokenFailureReason;
    };
