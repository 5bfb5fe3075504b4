import { describeDevice, deviceLabel } from './device.js';
import { invalidInput, isSessionError, SessionError } from './errors.js';
import { EventHub, type InvalidationReason, type SessionEventListener, type SessionEventType, type SessionEvent } from './events.js';
import { duration, resolveOptions, type ResolvedOptions, type SessionManagerOptions } from './options.js';
import { refusal, toSession, toView, type Session, type SessionView, type ValidationResult } from './session.js';
import { memoryStore } from './stores/memory.js';
import type { Epochs, JsonValue, SessionLookup, SessionRecord, SessionStore } from './store.js';
import { isSessionId, mintToken, parseToken, secretMatches } from './token.js';
import type { JSONWebKeySet } from 'jose';
import { AccessTokens, DEFAULT_DENY_WINDOW, type AccessTokenOptions, type AccessTokenVerification, type IssueAccessTokenOptions } from './access-tokens/index.js';

/** What the app knows at sign-in. */
export interface CreateSessionInput {
  /** Who signed in: any string id of at most 256 characters. */
  readonly userId: string;
  /** @default "browser" */
  readonly kind?: string;
  /** The User-Agent header; parsed for the device label and capped before storing. */
  readonly userAgent?: string | undefined;
  /** The client's IP address, shown in the session list (capped at 64 characters). */
  readonly ip?: string | undefined;
  /** The user's tenant (account, organisation), copied into the session and its events. */
  readonly tenantId?: string | undefined;
  /** App data, JSON only, at most 8 KiB serialised. */
  readonly data?: { readonly [key: string]: JsonValue } | undefined;
  /**
   * A token the client presented at sign-in. It is revoked if valid, so a sign-in never keeps
   * an old token alive (no session fixation).
   */
  readonly previousToken?: string | undefined;
}

/** A new session and the token to hand to the client (once: it is not stored). */
export interface CreatedSession {
  /** `<id>.<secret>`: give it to the client (cookie or bearer); only its hash is stored. */
  readonly token: string;
  /** The stored session. */
  readonly session: Session;
}

/** Options of {@link SessionManager.validate}. */
export interface ValidateOptions {
  /**
   * The request's User-Agent. Browsers change it on every update, so a different one never
   * refuses a session; it is accepted for adapters that pass every request field along.
   */
  readonly userAgent?: string | undefined;
}

/** Who acted, for the audit trail. */
export interface ActorOptions {
  /** The actor when it is not the user: an admin's id, a job name. */
  readonly by?: string | undefined;
  /** Tenant, copied into events. */
  readonly tenantId?: string | undefined;
}

/** Options of {@link SessionManager.revoke}. */
export interface RevokeSessionOptions extends ActorOptions {
  /** Event and tombstone reason. @default "revoked" */
  readonly reason?: string;
  /** When set, only a session of this user is revoked (others count as not found). */
  readonly userId?: string;
}

/** Options of {@link SessionManager.revokeAll}. */
export interface RevokeAllSessionsOptions extends ActorOptions {
  /** Kinds to sign out, or `"all"`. @default the `everywhereKinds` option: browser and remember */
  readonly kinds?: readonly string[] | 'all';
  /** @default "sign_out_everywhere", or "admin" when `by` is set */
  readonly reason?: InvalidationReason | (string & {});
}

/** Options of {@link SessionManager.revokeOthers}. */
export interface RevokeOthersSessionsOptions extends ActorOptions {
  /** @default the `everywhereKinds` option */
  readonly kinds?: readonly string[] | 'all';
  /** @default "sign_out_others" */
  readonly reason?: InvalidationReason | (string & {});
}

/** Options of {@link SessionManager.passwordChanged} and {@link SessionManager.emailChanged}. */
export interface CredentialChangeOptions extends ActorOptions {
  /** The session that made the change; it stays signed in with a fresh token (policy allowing). */
  readonly currentSessionId?: string | undefined;
}

/** The fresh session of the device that changed a credential, when it stays signed in. */
export interface CredentialChangeResult {
  /** The fresh token of the device that stays signed in; absent when none stays. */
  readonly token?: string;
  /** Its session. */
  readonly session?: Session;
}

/** Options of {@link SessionManager.list}. */
export interface ListOptions {
  /** Marked `current: true` and listed first. */
  readonly currentSessionId?: string | undefined;
  /** Locale of `lastUsed`. @default "en" */
  readonly locale?: string | undefined;
  /** The present, for `lastUsed` and liveness. @default the manager's clock */
  readonly now?: number | undefined;
  /** Only these kinds. @default every kind */
  readonly kinds?: readonly string[] | undefined;
}

/** The result of {@link SessionManager.revokeAll}. */
export interface RevokeAllResult {
  /** The user's epochs of the revoked kinds after the raise (ms). */
  readonly epochs: Epochs;
}

/** The result of {@link SessionManager.revokeOthers}. */
export interface RevokeOthersResult {
  /** The sessions this call revoked. */
  readonly revokedIds: readonly string[];
}

/** The result of {@link SessionManager.signOut}. */
export interface SignOutResult {
  /** Whether the global-logout policy signed out every device of the user. */
  readonly global: boolean;
}

/**
 * The session lifecycle: create, validate, revoke, list, prune. See {@link createSessionManager}.
 *
 * Methods that reach the store reject with a {@link session-revocation!SessionError}: `STORE_UNAVAILABLE`
 * when the store cannot be reached or timed out (nothing was decided), `STORE_ERROR` for any
 * other store failure, `CLOSED` after {@link SessionManager.close}. The access-token methods also
 * reject on first use of a configured key that turns out unusable (`INVALID_CONFIGURATION`, or
 * jose's error for a key it cannot import).
 */
export interface SessionManager {
  /** The store in use. */
  readonly store: SessionStore;
  /** Whether the manager was given `accessTokens` (so it can issue and verify access tokens). */
  readonly accessTokensEnabled: boolean;
  /**
   * Signs in: mints a token and stores a new session.
   * @param input - The user and, optionally, kind, device, tenant, app data and a token to revoke.
   * @returns The token to hand to the client (it is not stored) and the stored session.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user or tenant id, an
   * undeclared kind, or `data` that is not a JSON object within 8 KiB; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  create(input: CreateSessionInput): Promise<CreatedSession>;
  /**
   * Checks a token: one store read, a write only when the touch interval passed. Never throws
   * for a bad token: it returns a refusal.
   * @param token - The presented token, of any type.
   * @param options - Accepted for adapters that pass request fields along; it never changes the result.
   * @returns `{ ok: true, session }`, or `{ ok: false, reason }` for a missing, malformed, unknown,
   * expired, idle or revoked token.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`; `CLOSED` for a
   * well-formed token after {@link SessionManager.close}.
   */
  validate(token: unknown, options?: ValidateOptions): Promise<ValidationResult>;
  /**
   * Revokes one session (a tombstone stays until expiry).
   * @param sessionId - The session's id; an id of another shape revokes nothing.
   * @param options - The reason and actor, and `userId` to revoke only a session of that user.
   * @returns Whether this call revoked it (`false` when unknown, already revoked or another user's).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revoke(sessionId: string, options?: RevokeSessionOptions): Promise<boolean>;
  /**
   * Signs a user out everywhere by raising epochs: O(1) for any number of sessions.
   * @param userId - The user.
   * @param options - The kinds to sign out (default: the `everywhereKinds` option), reason and actor.
   * @returns The user's epochs of those kinds after the raise.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id, or kinds that are
   * neither `"all"` nor a non-empty list of declared kinds; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeAll(userId: string, options?: RevokeAllSessionsOptions): Promise<RevokeAllResult>;
  /**
   * Logs out every other device of the user.
   * @param userId - The user.
   * @param keepSessionId - The session that stays signed in.
   * @param options - The kinds to sign out (default: the `everywhereKinds` option), reason and actor.
   * @returns The ids revoked by this call.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user or session id, or bad
   * kinds (as {@link SessionManager.revokeAll}); `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeOthers(userId: string, keepSessionId: string, options?: RevokeOthersSessionsOptions): Promise<RevokeOthersResult>;
  /**
   * Signs this device out, or every device when the global-logout policy says so.
   * @param session - The signed-in session, as `validate` returned it.
   * @param options - The actor, and the tenant when the session has none.
   * @returns Whether the global-logout policy signed out every device.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad `session.userId`;
   * `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`. An error of a `globalLogout` policy function
   * propagates as is, after this device was signed out.
   */
  signOut(session: Pick<Session, 'id' | 'userId' | 'tenantId'>, options?: ActorOptions): Promise<SignOutResult>;
  /**
   * A password change: other devices out; this one kept with a fresh token unless the policy is "all".
   * @param userId - The user whose password changed.
   * @param options - `currentSessionId`, the device that made the change, and the actor.
   * @returns The fresh token and session of the device that stays, or `{}` when none stays (policy
   * `"all"`, or `currentSessionId` names no live session of this user).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  passwordChanged(userId: string, options?: CredentialChangeOptions): Promise<CredentialChangeResult>;
  /**
   * A password reset: every device out (the sessions of the `everywhereKinds` option).
   * @param userId - The user whose password was reset.
   * @param options - The actor and tenant, for the audit event.
   * @returns Resolves once the epochs are raised.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  passwordReset(userId: string, options?: ActorOptions): Promise<void>;
  /**
   * An email change: other devices out; this one kept with a fresh token.
   * @param userId - The user whose email address changed.
   * @param options - `currentSessionId`, the device that made the change, and the actor.
   * @returns The fresh token and session, or `{}` when `currentSessionId` names no live session of
   * this user.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  emailChanged(userId: string, options?: CredentialChangeOptions): Promise<CredentialChangeResult>;
  /**
   * The live sessions of a user for a "Login management" list: current first, then most recently used.
   * @param userId - The user.
   * @param options - The current session, the locale and clock for `lastUsed`, and the kinds to list.
   * @returns One row per live session (revoked, expired and idle ones are left out).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  list(userId: string, options?: ListOptions): Promise<SessionView[]>;
  /**
   * Deletes expired rows in bounded batches.
   * @param options - `limit`: the most rows this call deletes. Default: every expired row.
   * @returns The number of session rows deleted.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a `limit` that is not a positive
   * number; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  prune(options?: { readonly limit?: number }): Promise<number>;
  /**
   * Prunes every `pruneInterval` on an unref'd timer; a second call restarts it. A failed run
   * goes to the `onError` option.
   * @returns A function that stops it.
   * @throws {@link session-revocation!SessionError} `CLOSED` after {@link SessionManager.close} (thrown, not
   * rejected).
   */
  startPruning(): () => void;
  /**
   * Stops pruning and subscriptions and closes the store. A second call does nothing.
   * @returns Resolves once the store is closed.
   * @throws What the store's `close()` rejects with, unchanged.
   */
  close(): Promise<void>;
  /**
   * Mints a short-lived JWT for the session.
   * @param session - The session, as `create` or `validate` returned it.
   * @param options - `ttl`: the lifetime in ms, at most the `maxTtl` option.
   * @returns The signed JWT.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens` or
   * without a private key (a verify-only service); `INVALID_INPUT` for a `ttl` outside 1 s to `maxTtl`
   * or a session without a session id, a string `userId` and a numeric `createdAt`; `CLOSED`.
   */
  issueAccessToken(session: Pick<Session, 'id' | 'userId' | 'kind' | 'createdAt' | 'tenantId'>, options?: IssueAccessTokenOptions): Promise<string>;
  /**
   * Verifies a JWT: signature, expiry, epoch and deny-list. Never throws for a bad token: it
   * returns a refusal.
   * @param jwt - The presented token, of any type.
   * @returns `{ ok: true, claims }`, or `{ ok: false, reason }`.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens`;
   * `STORE_UNAVAILABLE` or `STORE_ERROR` (the store's `CLOSED` after close) when the revocation state of
   * a genuine token's user is not cached and cannot be read.
   */
  verifyAccessToken(jwt: unknown): Promise<AccessTokenVerification>;
  /**
   * The public keys of the access-token signer as a JWKS, for services that verify with public keys only (HS256 secrets are never listed).
   * @returns The key set; its `keys` list is empty when only HS256 secrets are configured.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens`.
   */
  accessTokenJwks(): Promise<JSONWebKeySet>;
  /**
   * Listens to audit events (`"*"` for all), sent once the store has acknowledged the change.
   * @typeParam T - The event type, or `"*"`.
   * @param type - The event type to listen to, or `"*"` for every event.
   * @param listener - Called with each event; it may be async. Its errors go to the `onError`
   * option, never to the caller of the action.
   * @returns A function that unsubscribes.
   */
  on<T extends SessionEventType | '*'>(
    type: T,
    listener: SessionEventListener<T extends '*' ? SessionEvent : Extract<SessionEvent, { type: T }>>,
  ): () => void;
}

/** Options of {@link createSessionManager}, including stateless access tokens. */
export interface CreateSessionManagerOptions extends SessionManagerOptions {
  /** Enables `issueAccessToken` / `verifyAccessToken`. */
  readonly accessTokens?: AccessTokenOptions;
  /**
   * How long (ms) access-token verification may trust a cached copy of a user's epochs and
   * deny-list: the propagation window for stores that do not publish revocations. 0 reads
   * the store every time. @default 1_000
   */
  readonly epochCacheTtl?: number;
  /** Users kept in the epoch cache (least recently used leave first); a whole number, 0 keeps none. @default 10_000 */
  readonly epochCacheSize?: number;
}

const MAX_ID_LENGTH = 256;
const MAX_DATA_BYTES = 8 * 1024;

/**
 * Creates the session manager: the framework-agnostic heart of the library.
 *
 * @param options - Store, lifetimes, kinds, policies, access tokens. All optional.
 * @returns A {@link SessionManager}.
 * @throws {@link SessionError} `INVALID_CONFIGURATION` for options that cannot work
 * (an infinite `maxAge`, an HMAC secret shorter than 32 bytes, an unknown kind...).
 *
 * @example
 * ```ts
 * import { createSessionManager } from 'session-revocation';
 *
 * const sessions = createSessionManager(); // memory store, 30-day sessions
 * const { token } = await sessions.create({ userId: 'u1', userAgent: req.headers['user-agent'] });
 * const result = await sessions.validate(token);
 * if (result.ok) console.log(result.session.userId);
 * await sessions.revokeAll('u1'); // sign out everywhere
 * ```
 */
export function createSessionManager(options: CreateSessionManagerOptions = {}): SessionManager {
  const config = resolveOptions(options);
  const store = options.store ?? memoryStore();
  const { clock } = config;
  const hub = new EventHub(config.onError);
  const cacheTtl = duration('epochCacheTtl', options.epochCacheTtl, 1_000, { min: 0 });
  const cacheSize = duration('epochCacheSize', options.epochCacheSize, 10_000, { min: 0 });
  const accessTokens =
    options.accessTokens === undefined
      ? undefined
      : new AccessTokens(options.accessTokens, {
          clock,
          loadState: (userId) => callStore(() => store.getRevocationState(userId)),
          cacheTtl,
          cacheSize,
        });
  const unsubscribe =
    accessTokens !== undefined && store.subscribe
      ? store.subscribe(
          (notice) => accessTokens.invalidate(notice.userId),
          () => accessTokens.clear(),
        )
      : undefined;
  // Written whether or not this manager issues tokens: another instance on the store may.
  const denyWindow = accessTokens?.denyWindow ?? DEFAULT_DENY_WINDOW;
  const denyUntil = (at: number): number => at + denyWindow;
  const afterRevocation = (userId: string): void => accessTokens?.invalidate(userId);
  let stopPruning: (() => void) | undefined;
  let closed = false;

  const kindsOf = (kinds: readonly string[] | 'all' | undefined): readonly string[] => {
    if (kinds === undefined) return config.everywhereKinds;
    if (kinds === 'all') return [...config.kinds.keys()];
    if (!Array.isArray(kinds) || kinds.length === 0) throw invalidInput('kinds must be "all" or a non-empty list of kinds.');
    for (const kind of kinds) if (!config.kinds.has(kind)) throw invalidInput(`Unknown session kind "${String(kind)}".`);
    return kinds;
  };

  const create = async (input: CreateSessionInput, reason: 'sign_in' | 'password_changed' | 'email_changed' = 'sign_in'): Promise<CreatedSession> => {
    ensureOpen();
    checkCreateInput(input, config);
    const kind = input.kind ?? 'browser';
    const kindOptions = config.kinds.get(kind)!;
    if (input.previousToken !== undefined) await revokePresented(input.previousToken);
    const device = describeDevice(input.userAgent, config.deviceParser);
    const minted = mintToken(store.sessionIdPrefix?.(input.userId));
    const now = clock();
    const { session, replacedIds } = await callStore(() =>
      store.create(
        {
          id: minted.id,
          userId: input.userId,
          tenantId: input.tenantId,
          kind,
          secretHash: minted.secretHash,
          createdAt: now,
          maxAge: kindOptions.maxAge,
          deviceKey: device.deviceKey,
          browser: device.browser,
          os: device.os,
          deviceType: device.deviceType,
          userAgent: device.userAgent,
          ip: cleanIp(input.ip),
          data: input.data,
        },
        { replaceDevice: kindOptions.replaceDevice, denyUntil: denyUntil(now) },
      ),
    );
    if (replacedIds.length > 0) {
      afterRevocation(input.userId);
      hub.emit({ type: 'session.revoked', at: now, userId: input.userId, tenantId: input.tenantId, sessionIds: replacedIds, reason: 'replaced' });
    }
    hub.emit({
      type: 'session.created',
      at: now,
      userId: input.userId,
      tenantId: input.tenantId,
      sessionIds: [session.id],
      reason,
      kind,
      deviceLabel: deviceLabel(session),
    });
    return { token: minted.token, session: toSession(session) };
  };

  // The presented token is revoked only if it is genuine (its secret matches), so a client
  // cannot revoke someone else's session by sending a guessed id.
  const revokePresented = async (token: string): Promise<void> => {
    const parsed = parseToken(token);
    if (parsed === undefined) return;
    const found = await callStore(() => store.get(parsed.id));
    if (found === null || !secretMatches(parsed.secret, found.session.secretHash)) return;
    await revokeOne(found.session.id, { reason: 'sign_out' });
  };

  const revokeOne = async (sessionId: string, revokeOptions: RevokeSessionOptions): Promise<boolean> => {
    ensureOpen();
    // No session can have an id of another shape: nothing to look up.
    if (!isSessionId(sessionId)) return false;
    if (revokeOptions.userId !== undefined) {
      const found = await callStore(() => store.get(sessionId));
      if (found === null || found.session.userId !== revokeOptions.userId) return false;
    }
    const at = clock();
    const reason = revokeOptions.reason ?? 'revoked';
    const before = await callStore(() => store.revoke(sessionId, { at, reason, denyUntil: denyUntil(at) }));
    if (before === null) return false;
    afterRevocation(before.userId);
    hub.emit({
      type: 'session.revoked',
      at,
      userId: before.userId,
      tenantId: before.tenantId,
      sessionIds: [before.id],
      reason,
      by: revokeOptions.by,
    });
    return true;
  };

  const revokeAll = async (userId: string, revokeOptions: RevokeAllSessionsOptions = {}): Promise<RevokeAllResult> => {
    ensureOpen();
    checkId('userId', userId);
    const kinds = kindsOf(revokeOptions.kinds);
    const at = clock();
    const epochs = await callStore(() => store.revokeAll(userId, { kinds, at }));
    afterRevocation(userId);
    hub.emit({
      type: 'user.session_invalidated',
      at,
      userId,
      tenantId: revokeOptions.tenantId,
      reason: revokeOptions.reason ?? (revokeOptions.by !== undefined ? 'admin' : 'sign_out_everywhere'),
      by: revokeOptions.by,
      kinds,
    });
    return { epochs };
  };

  const revokeOthers = async (
    userId: string,
    keepSessionId: string,
    revokeOptions: RevokeOthersSessionsOptions = {},
  ): Promise<RevokeOthersResult> => {
    ensureOpen();
    checkId('userId', userId);
    checkId('keepSessionId', keepSessionId);
    const kinds = kindsOf(revokeOptions.kinds);
    const at = clock();
    const reason = revokeOptions.reason ?? 'sign_out_others';
    const revokedIds = await callStore(() => store.revokeOthers(userId, { keepSessionId, kinds, at, reason, denyUntil: denyUntil(at) }));
    afterRevocation(userId);
    hub.emit({
      type: 'user.session_invalidated',
      at,
      userId,
      tenantId: revokeOptions.tenantId,
      sessionIds: revokedIds,
      reason,
      by: revokeOptions.by,
      kinds,
    });
    return { revokedIds };
  };

  // Other devices out through the epoch (O(1), reaches access tokens and caches), then this
  // device back in with a fresh token: the old token is refused like every other.
  const changeCredential = async (
    userId: string,
    changeOptions: CredentialChangeOptions,
    reason: 'password_changed' | 'email_changed',
    keepCurrent: boolean,
  ): Promise<CredentialChangeResult> => {
    checkId('userId', userId);
    let current: SessionRecord | undefined;
    if (changeOptions.currentSessionId !== undefined) {
      const found = await callStore(() => store.get(changeOptions.currentSessionId!));
      if (found !== null && found.session.userId === userId && refusal(found.session, found.epochs, clock(), 0) === undefined) {
        current = found.session;
      }
    }
    await revokeAll(userId, { reason, by: changeOptions.by, tenantId: changeOptions.tenantId ?? current?.tenantId });
    // A current session of a kind the epoch did not cover (an API token) goes on its own:
    // the old token must stop working whether or not this device stays signed in.
    if (current !== undefined && !config.everywhereKinds.includes(current.kind)) {
      await revokeOne(current.id, { reason, by: changeOptions.by });
    }
    if (!keepCurrent || current === undefined) return {};
    const fresh = await create(
      {
        userId,
        kind: current.kind,
        userAgent: current.userAgent,
        ip: current.ip,
        tenantId: current.tenantId,
        data: current.data,
      },
      reason,
    );
    return fresh;
  };

  // The hot path: one store read, a write only when the touch interval has passed. Failure
  // results are shared frozen objects so a flood of junk tokens allocates nothing.
  const validate = async (token: unknown): Promise<ValidationResult> => {
    if (token === undefined || token === null || token === '') return REFUSED.missing;
    const parsed = parseToken(token);
    if (parsed === undefined) return REFUSED.malformed;
    ensureOpen();
    let found: SessionLookup | null;
    try {
      found = await store.get(parsed.id);
    } catch (error) {
      throw storeFailure(error);
    }
    if (found === null || !secretMatches(parsed.secret, found.session.secretHash)) return REFUSED.not_found;
    const record = found.session;
    const now = clock();
    const refused = refusal(record, found.epochs, now, config.kinds.get(record.kind)?.idleTimeout ?? 0);
    if (refused !== undefined) return REFUSED[refused];
    if (now - record.lastUsedAt >= config.touchInterval && now > record.lastUsedAt) {
      await callStore(() => store.touch(record.id, now));
      return { ok: true, session: toSession(record, now) };
    }
    return { ok: true, session: toSession(record) };
  };

  const prune = async (pruneOptions: { readonly limit?: number } = {}): Promise<number> => {
    ensureOpen();
    const limit = pruneOptions.limit ?? Number.MAX_SAFE_INTEGER;
    if (typeof limit !== 'number' || !(limit > 0)) throw invalidInput('prune limit must be a positive number.');
    const now = clock();
    let total = 0;
    while (total < limit) {
      const batch = Math.min(config.pruneBatchSize, limit - total);
      const deleted = await callStore(() => store.prune({ now, limit: batch }));
      total += deleted;
      if (deleted < batch) break;
    }
    if (total > 0) hub.emit({ type: 'sessions.pruned', at: now, reason: 'expired', count: total });
    return total;
  };

  const ensureOpen = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The session manager was closed.');
  };

  return {
    store,
    accessTokensEnabled: accessTokens !== undefined,
    create: (input) => create(input),
    validate: (token) => validate(token),
    revoke: (sessionId, revokeOptions = {}) => revokeOne(sessionId, revokeOptions),
    revokeAll,
    revokeOthers,
    async signOut(session, actor = {}) {
      checkId('session.userId', session?.userId);
      // This device goes first and always: a failing policy must not leave it signed in.
      await revokeOne(session.id, { reason: 'sign_out', by: actor.by });
      const global = await config.globalLogout({ userId: session.userId, tenantId: session.tenantId ?? actor.tenantId });
      if (global === true) await revokeAll(session.userId, { reason: 'global_logout', by: actor.by, tenantId: session.tenantId ?? actor.tenantId });
      return { global: global === true };
    },
    passwordChanged: (userId, changeOptions = {}) =>
      changeCredential(userId, changeOptions, 'password_changed', config.onPasswordChange === 'others'),
    async passwordReset(userId, actor = {}) {
      await revokeAll(userId, { reason: 'password_reset', by: actor.by, tenantId: actor.tenantId });
    },
    emailChanged: (userId, changeOptions = {}) => changeCredential(userId, changeOptions, 'email_changed', true),
    async list(userId, listOptions = {}) {
      ensureOpen();
      checkId('userId', userId);
      const now = listOptions.now ?? clock();
      const kinds = listOptions.kinds === undefined ? undefined : new Set(listOptions.kinds);
      const { sessions, epochs } = await callStore(() => store.listByUser(userId));
      const views: SessionView[] = [];
      for (const record of sessions) {
        if (kinds !== undefined && !kinds.has(record.kind)) continue;
        if (refusal(record, epochs, now, config.kinds.get(record.kind)?.idleTimeout ?? 0) !== undefined) continue;
        views.push(toView(record, listOptions.currentSessionId, now, listOptions.locale));
      }
      return views.sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt || b.createdAt - a.createdAt);
    },
    prune,
    startPruning() {
      ensureOpen();
      stopPruning?.();
      let running = false;
      const run = (): void => {
        if (running || closed) return;
        running = true;
        prune()
          .catch((error: unknown) => config.onError(error))
          .finally(() => {
            running = false;
          });
      };
      const first = setTimeout(run, 0);
      const timer = setInterval(run, config.pruneInterval);
      first.unref();
      timer.unref();
      stopPruning = () => {
        clearTimeout(first);
        clearInterval(timer);
        stopPruning = undefined;
      };
      return stopPruning;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopPruning?.();
      unsubscribe?.();
      await store.close?.();
    },
    async issueAccessToken(session, issueOptions) {
      ensureOpen();
      if (accessTokens === undefined) throw new SessionError('INVALID_CONFIGURATION', 'Access tokens are off: pass the accessTokens option.');
      return accessTokens.issue(session, issueOptions);
    },
    async verifyAccessToken(jwt) {
      if (accessTokens === undefined) throw new SessionError('INVALID_CONFIGURATION', 'Access tokens are off: pass the accessTokens option.');
      return accessTokens.verify(jwt);
    },
    async accessTokenJwks() {
      if (accessTokens === undefined) throw new SessionError('INVALID_CONFIGURATION', 'Access tokens are off: pass the accessTokens option.');
      return accessTokens.jwks();
    },
    on(type, listener) {
      return hub.on(type, listener as SessionEventListener);
    },
  };
}

const REFUSED = {
  missing: Object.freeze({ ok: false, reason: 'missing' }),
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  not_found: Object.freeze({ ok: false, reason: 'not_found' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
  idle: Object.freeze({ ok: false, reason: 'idle' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
} as const satisfies Record<string, ValidationResult>;

async function callStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storeFailure(error);
  }
}

/** A store's SessionError passes through; anything else becomes STORE_ERROR with its cause. */
function storeFailure(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  return new SessionError('STORE_ERROR', `The session store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

// U+0000 and unpaired surrogates cannot be stored faithfully by every store (PostgreSQL
// refuses them, others replace them with U+FFFD and so merge two different ids).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH || UNSTORABLE.test(value)) {
    throw invalidInput(`${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters, without U+0000 or unpaired surrogates.`);
  }
}

/** Whether any string (value or key) inside JSON data is one no store can keep as is. */
function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => UNSTORABLE.test(key) || holdsUnstorable(inner));
  }
  return false;
}

/** The IP as shown in the session list: printable ASCII, at most 64 characters. */
function cleanIp(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const cleaned = ip.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 64);
  return cleaned.length > 0 ? cleaned : undefined;
}

function checkCreateInput(input: CreateSessionInput, config: ResolvedOptions): void {
  if (typeof input !== 'object' || input === null) throw invalidInput('create() needs an object with a userId.');
  checkId('userId', input.userId);
  if (input.tenantId !== undefined) checkId('tenantId', input.tenantId);
  const kind = input.kind ?? 'browser';
  if (!config.kinds.has(kind)) throw invalidInput(`Unknown session kind "${String(kind)}": declare it in the kinds option.`);
  if (input.data !== undefined) {
    let serialised: string | undefined;
    try {
      serialised = JSON.stringify(input.data);
    } catch {
      serialised = undefined;
    }
    if (typeof input.data !== 'object' || input.data === null || Array.isArray(input.data) || serialised === undefined) {
      throw invalidInput('data must be a JSON object.');
    }
    if (Buffer.byteLength(serialised) > MAX_DATA_BYTES) throw invalidInput(`data must serialise to at most ${MAX_DATA_BYTES} bytes.`);
    if (holdsUnstorable(input.data)) throw invalidInput('data must not hold U+0000 or unpaired surrogates.');
  }
}
