import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { SessionError } from '../errors.js';
import { EpochCache } from '../epoch-cache.js';
import type { SessionRecord } from '../store.js';
import type { RevocationState } from '../storage/types.js';
import { MAX_CLOCK_TOLERANCE } from '../storage/revoke.js';
import { epochFor } from '../liveness.js';
import { isSessionId } from '../token.js';
import { checkKeys, resolveKey, type AccessTokenAlgorithm, type AccessTokenKey, type ResolvedKey } from './keys.js';
import type { AccessTokenClaims, AccessTokenOptions, AccessTokenVerification, IssueAccessTokenOptions } from './types.js';
import { VerifiedTokenCache } from './verified-cache.js';

export type { AccessTokenAlgorithm, AccessTokenKey, KeyLike } from './keys.js';

export type { AccessTokenClaims, AccessTokenFailureReason, AccessTokenOptions, AccessTokenVerification, IssueAccessTokenOptions } from './types.js';

/** The JWT `typ` header; tokens without it (any other JWT signed with the same key) are refused. */
export const ACCESS_TOKEN_TYPE = 'session-access+jwt';
const MAX_JWT_LENGTH = 8 * 1024;
// Stryker disable next-line Regex: jose refuses what the anchors keep out, as malformed too
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Dependencies the manager hands to {@link AccessTokens}. */
export interface AccessTokenDependencies {
  readonly clock: () => number;
  /** The user's state; with a tenant id, that tenant's epochs too, in the same read. */
  readonly loadState: (userId: string, tenantId?: string) => Promise<RevocationState>;
  readonly cacheTtl: number;
  readonly cacheSize: number;
  /** The stored session while it is live, or `undefined`: tokens are minted from the stored row's own fields. */
  readonly liveSession: (sessionId: string, userId: string, countIdle: boolean) => Promise<Pick<SessionRecord, 'kind' | 'createdAt' | 'expiresAt' | 'authenticatedAt' | 'tenantId' | 'impersonatorId'> | undefined>;
}

const DEFAULT_MAX_TTL = 3_600_000;
const DEFAULT_TOLERANCE = 5_000;

// Group names of the tenant-keyed cache: a user's and a tenant's never collide.
const userGroup = (userId: string): string => `u:${userId}`;
const tenantGroup = (tenantId: string): string => `t:${tenantId}`;

/** Issues and verifies access tokens; used through the manager. */
export class AccessTokens {
  /** How long (ms) a deny-list entry must live: the longest token lifetime plus clock tolerance. */
  readonly denyWindow: number;
  readonly #ttl: number;
  readonly #maxTtl: number;
  readonly #tolerance: number;
  readonly #issuer: string | undefined;
  readonly #audience: string | undefined;
  readonly #keys: Promise<ResolvedKey[]>;
  /** Whether this manager mints tokens: `issue` signs with the first key, so that key must hold a secret or a private key. */
  readonly signs: boolean;
  readonly #algorithms: ReadonlySet<AccessTokenAlgorithm>;
  readonly #clock: () => number;
  readonly #states: EpochCache;
  // Keyed by a JSON pair of user and tenant, so no id can forge another's key.
  readonly #tenantStates: EpochCache;
  readonly #verified: VerifiedTokenCache<AccessTokenClaims>;
  readonly #liveSession: AccessTokenDependencies['liveSession'];

  constructor(options: AccessTokenOptions, dependencies: AccessTokenDependencies) {
    const keys = keyList(options);
    checkKeys(keys);
    this.signs = keys[0]?.secret !== undefined || keys[0]?.privateKey !== undefined;
    this.#ttl = bounded('accessTokens.ttl', options.ttl ?? 300_000, 1_000, Number.MAX_SAFE_INTEGER);
    this.#maxTtl = bounded('accessTokens.maxTtl', options.maxTtl ?? Math.max(DEFAULT_MAX_TTL, this.#ttl), this.#ttl, Number.MAX_SAFE_INTEGER);
    this.#tolerance = bounded('accessTokens.clockTolerance', options.clockTolerance ?? DEFAULT_TOLERANCE, 0, MAX_CLOCK_TOLERANCE);
    // A token from a clock ahead lives to revocation + maxTtl + tolerance; entries are honoured to end + tolerance, any instance's. Another instance's
    // tokens may live longer than this one's default: only a maxTtl given shortens entries, else they last to the session's expiry.
    this.denyWindow = options.maxTtl !== undefined ? this.#maxTtl + 2 * MAX_CLOCK_TOLERANCE : Number.POSITIVE_INFINITY;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.#algorithms = new Set(keys.map((key) => key.alg));
    this.#keys = Promise.all(keys.map(resolveKey));
    // Surface a bad key at startup through the first call rather than an unhandled rejection.
    this.#keys.catch(() => undefined);
    this.#clock = dependencies.clock;
    this.#liveSession = dependencies.liveSession;
    const cache = { ttl: dependencies.cacheTtl, capacity: dependencies.cacheSize, clock: dependencies.clock };
    this.#states = new EpochCache({ ...cache, load: (userId) => dependencies.loadState(userId) });
    const pair = (key: string): [string, string] => JSON.parse(key) as [string, string];
    // A user's revocation drops that user's copies, a tenant's that tenant's: the others stay.
    this.#tenantStates = new EpochCache({ ...cache, load: (key) => dependencies.loadState(...pair(key)), groupsOf: (key) => [userGroup(pair(key)[0]), tenantGroup(pair(key)[1])] });
    // Stryker disable next-line LogicalOperator: the cache size shows only as speed, never in an answer
    this.#verified = new VerifiedTokenCache(options.verifiedCacheSize ?? 10_000);
  }

  /** Drops a user's cached revocation state, with or without a tenant (a revocation happened). */
  invalidate(userId: string): void {
    this.#states.invalidate(userId);
    this.#tenantStates.invalidateGroup(userGroup(userId));
  }

  /** Drops the cached states read with that tenant's epochs; those read without hold none and stay. */
  invalidateTenant(tenantId: string): void {
    this.#tenantStates.invalidateGroup(tenantGroup(tenantId));
  }

  /** Drops every cached revocation state (a store's subscription may have missed notices). */
  clear(): void {
    this.#states.clear();
    this.#tenantStates.clear();
  }

  /** The public keys as a JSON Web Key Set (HS256 secrets are never included). */
  async jwks(): Promise<JSONWebKeySet> {
    return { keys: (await this.#keys).flatMap((key) => (key.publicJwk === undefined ? [] : [key.publicJwk])) };
  }

  async issue(session: { readonly id: string; readonly userId: string }, options: IssueAccessTokenOptions = {}): Promise<string> {
    const ttl = bounded('ttl', options.ttl ?? this.#ttl, 1_000, this.#maxTtl, 'INVALID_INPUT');
    if (!isSessionId(session?.id) || typeof session.userId !== 'string') {
      throw new SessionError('INVALID_INPUT', 'issueAccessToken needs a session from create() or validate().');
    }
    const [key] = await this.#keys;
    // Stryker disable next-line OptionalChaining: checkKeys refuses an empty key list, so there is always a first key.
    if (key?.signingKey === undefined) throw new SessionError('INVALID_CONFIGURATION', 'No private key configured: this service can only verify access tokens.');
    // Before the read: a revocation landing during it denies the token for maxTtl from then, so exp must count from no later.
    const now = this.#clock();
    // Claims come from the stored row, not the object given: no token for an ended session or without its actor.
    const stored = await this.#liveSession(session.id, session.userId, true);
    if (stored === undefined) throw new SessionError('UNAUTHENTICATED', 'issueAccessToken: this session is not live in the store.');
    const support = stored.impersonatorId !== undefined;
    // An undefined claim is left out of the JSON. A support session's token names who acts and is never fresh: no auth_time.
    const claims = { sid: session.id, kind: stored.kind, sct: stored.createdAt, tid: stored.tenantId, act: support ? { sub: stored.impersonatorId } : undefined, auth_time: support ? undefined : Math.floor(stored.authenticatedAt / 1000) };
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid })
      .setSubject(session.userId)
      .setIssuedAt(Math.floor(now / 1000))
      // Never past the session's own expiry: once the row has expired, no revocation would reach the token.
      .setExpirationTime(Math.floor(Math.min(now + ttl, stored.expiresAt) / 1000))
      .setJti(randomBytes(16).toString('base64url'));
    if (this.#issuer !== undefined) jwt.setIssuer(this.#issuer);
    if (this.#audience !== undefined) jwt.setAudience(this.#audience);
    return jwt.sign(key.signingKey);
  }

  async verify(jwt: unknown): Promise<AccessTokenVerification> {
    if (jwt === undefined || jwt === null || jwt === '') return { ok: false, reason: 'missing' };
    // Stryker disable next-line ConditionalExpression: a non-string fails the shape or jose's own check, as malformed too; this check comes first to spare the work
    if (typeof jwt !== 'string' || jwt.length > MAX_JWT_LENGTH) return { ok: false, reason: 'malformed' };
    // Five segments is an encrypted token: refused before any key work.
    // Stryker disable next-line ConditionalExpression: jose refuses the same tokens as malformed; this check spares the work
    if (!JWT_SHAPE.test(jwt)) return { ok: false, reason: 'malformed' };
    const now = this.#clock();
    // Stryker disable next-line ArithmeticOperator: the cache saves only signature work; expiry and revocation are checked below on every call.
    let claims = this.#verified.get(jwt, now - this.#tolerance);
    // Stryker disable next-line ConditionalExpression: see above
    if (claims === undefined) {
      const checked = await this.#verifySignature(jwt, now);
      if (!checked.ok) return checked;
      claims = checked.claims;
      // Stryker disable next-line ArithmeticOperator: see above
      this.#verified.set(jwt, claims, claims.exp * 1000);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral,ObjectLiteral,StringLiteral: the cache and jose agree; this keeps the rule in one readable place.
    if (now - this.#tolerance >= claims.exp * 1000) return { ok: false, reason: 'expired' };
    const state = claims.tid === undefined ? await this.#states.get(claims.sub) : await this.#tenantStates.get(JSON.stringify([claims.sub, claims.tid]));
    // Stryker disable next-line StringLiteral: the manager checked these epochs when it loaded them, so the label is never shown from here.
    const what = 'getRevocationState';
    if (claims.sct <= epochFor({ kind: claims.kind, tenantId: claims.tid }, state, what)) return { ok: false, reason: 'revoked' };
    // `sid` has the session-id shape (readClaims), which no Object property name has.
    if ((state.denied[claims.sid] ?? Number.NEGATIVE_INFINITY) > now - this.#tolerance) return { ok: false, reason: 'revoked' };
    // A support session ends with its admin's, which no claim can show: checked against the store each call.
    if (claims.act !== undefined && (await this.#liveSession(claims.sid, claims.sub, false))?.impersonatorId !== claims.act.sub) return { ok: false, reason: 'revoked' };
    return { ok: true, claims };
  }

  async #verifySignature(jwt: string, now: number): Promise<AccessTokenVerification> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(jwt);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!this.#algorithms.has(header.alg as AccessTokenAlgorithm)) return { ok: false, reason: 'unsupported' };
    // Stryker disable next-line ConditionalExpression: jose's own typ check refuses the same tokens as invalid_claims; this one spares the key work
    if (header.typ !== ACCESS_TOKEN_TYPE) return { ok: false, reason: 'invalid_claims' };
    // Keys come from configuration only: `jwk`, `jku`, `x5u`, `x5c` are never read; `kid` only picks.
    const keys = (await this.#keys).filter((key) => key.alg === header.alg && (header.kid === undefined || key.kid === header.kid));
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(jwt, key.verificationKey, {
          algorithms: [key.alg],
          typ: ACCESS_TOKEN_TYPE,
          issuer: this.#issuer,
          audience: this.#audience,
          // Stryker disable next-line ArithmeticOperator: expiry is also checked, in ms, after this call
          clockTolerance: this.#tolerance / 1000,
          currentDate: new Date(now),
          // Stryker disable next-line ArrayDeclaration: readClaims requires them too
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        });
        const claims = readClaims(payload);
        return claims === undefined ? { ok: false, reason: 'invalid_claims' } : { ok: true, claims };
      } catch (error) {
        if (error instanceof errors.JWSSignatureVerificationFailed) continue;
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: 'invalid_claims' };
        return { ok: false, reason: 'malformed' };
      }
    }
    return { ok: false, reason: 'invalid_signature' };
  }
}

function readClaims(payload: JWTPayload): AccessTokenClaims | undefined {
  const { sub, sid, kind, sct, iat, exp, jti, auth_time: authTime, act } = payload as Record<string, unknown>;
  // An actor is an object with a text `sub`: text, a number or null has none.
  if (act !== undefined && typeof (act as { sub?: unknown } | null)?.sub !== 'string') return undefined;
  if (typeof sub !== 'string' || sub.length === 0 || !isSessionId(sid) || typeof kind !== 'string') return undefined;
  if (!Number.isSafeInteger(sct) || typeof jti !== 'string') return undefined;
  if (authTime !== undefined && !Number.isSafeInteger(authTime)) return undefined;
  // A support token without an actor, or an actor's token with an auth_time, was not minted here.
  if ((kind === 'impersonation' && act === undefined) || (act !== undefined && authTime !== undefined)) return undefined;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: jose refuses a non-numeric iat or exp first
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  // Frozen, as typed: one verification's answer is the next one's cache, which a caller's edit must not change.
  return Object.freeze(act === undefined ? payload : { ...payload, act: Object.freeze({ ...act }) }) as unknown as AccessTokenClaims;
}

function keyList(options: AccessTokenOptions): AccessTokenKey[] {
  const shorthand: AccessTokenKey[] = [];
  if (options.secret !== undefined) shorthand.push({ alg: 'HS256', secret: options.secret });
  if (options.publicKey !== undefined || options.privateKey !== undefined) {
    shorthand.push({ alg: options.alg ?? 'EdDSA', privateKey: options.privateKey, publicKey: options.publicKey });
  }
  return [...shorthand, ...(options.keys ?? [])];
}

function bounded(name: string, value: number, min: number, max: number, code: 'INVALID_CONFIGURATION' | 'INVALID_INPUT' = 'INVALID_CONFIGURATION'): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new SessionError(code, `${name} must be between ${min} and ${max} ms.`);
  return value;
}
