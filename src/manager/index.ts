import { AccessTokens } from '../access-tokens/index.js';
import { invalidInput, SessionError } from '../errors.js';
import { EventHub, type SessionEventListener } from '../events.js';
import { resolveOptions, type CreateSessionManagerOptions } from '../options.js';
import { deadlineOf, StoreCalls } from '../store-calls.js';
import { memoryStore } from '../stores/memory.js';
import { storeOperations } from '../storage/index.js';
import type { SessionManager } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { createCredentials } from './credentials.js';
import { createLifecycle } from './lifecycle.js';
import { liveSessionOf } from '../core/live-session.js';
import { createPruning } from './pruning.js';
import { revokeUsers } from '../tenants/revoke-users.js';
import { eraseUser, exportUser } from '../privacy/privacy.js';
import { keepsActivity, listActivity } from '../activity/activity.js';
import { impersonate } from '../impersonation/impersonate.js';
import { issueRevocationLink, redeemRevocationLink } from '../revocation-links/links.js';
import { revokeTenant } from '../tenants/revoke-tenant.js';
import { createRevocationWatch } from '../live-events/watch.js';
import { backchannelLogout } from '../federated/backchannel.js';
import { createIssuerKeys } from '../federated/keys.js';
import { securityEvent } from '../security-events/receive.js';
import { createSecurityEventPolling } from '../security-events/poll.js';
import { globalTokenRevocation } from '../security-events/universal-logout/revoke.js';
import { callOptions, invalidConfiguration, isWholeNumber } from '../option-checks.js';
import { OPTION_KEYS } from './option-keys.js';

/**
 * Creates the session manager: the framework-agnostic heart of the library.
 *
 * @param options - Store, lifetimes, kinds, policies, access tokens. All optional.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an option it does not know
 * (named in the message), of the wrong type or out of range, or options that cannot work
 * together (an infinite `maxAge`, an HMAC secret shorter than 32 bytes, an unknown kind...).
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
  const rawStore = options.store ?? memoryStore();
  const store = storeOperations(rawStore);
  const calls = new StoreCalls(deadlineOf(config.storeTimeout, store.callTimeout));
  const accessTokens =
    options.accessTokens === undefined
      ? undefined
      : new AccessTokens(options.accessTokens, {
          clock: config.clock,
          loadState: async (userId, tenantId) => calls.call('getRevocationState', () => store.getRevocationState(userId, tenantId)),
          cacheTtl: config.epochCacheTtl,
          cacheSize: config.epochCacheSize,
          liveSession: (sessionId, userId, countIdle) => liveSessionOf(context, userId, sessionId, config.clock(), countIdle),
        });
  // A verifier learns of revocations only from the issuer's store: on a memory store of its own it would accept every revoked token until it expires.
  if (accessTokens !== undefined && !accessTokens.signs && options.store === undefined) {
    throw invalidConfiguration(
      "accessTokens without a private key or secret only verifies the tokens another service mints: give this manager that service's store (the store option), or it never sees their revocations and accepts a revoked token until it expires.",
    );
  }
  // Written whether or not this manager issues tokens: another instance on the store may, with a maxTtl this one cannot know, so without its own the entry lasts as long as the row could.
  const denyWindow = accessTokens?.denyWindow ?? Number.POSITIVE_INFINITY;
  let closed = false;
  const context: ManagerContext = {
    store,
    config,
    calls,
    hub: new EventHub(config.onError),
    accessTokens,
    keepsActivity: keepsActivity(rawStore),
    denyUntil: (at) => at + denyWindow,
    afterRevocation: (userId) => {
      accessTokens?.invalidate(userId);
      revocations.revoked(userId);
    },
    afterTenantRevocation: (tenantId) => {
      accessTokens?.invalidateTenant(tenantId);
      revocations.revokedTenant(tenantId);
    },
    ensureOpen: () => {
      if (closed) throw new SessionError('CLOSED', 'The session manager was closed.');
    },
    isClosed: () => closed,
  };
  const unsubscribe =
    accessTokens !== undefined && store.subscribe
      ? store.subscribe(
          (notice) => (notice.tenantId !== undefined ? accessTokens.invalidateTenant(notice.tenantId) : accessTokens.invalidate(notice.userId)),
          () => accessTokens.clear(),
        )
      : undefined;
  const revocations = createRevocationWatch(context);
  const lifecycle = createLifecycle(context);
  const credentials = createCredentials(context, lifecycle);
  const pruning = createPruning(context);
  // Providers' and transmitters' keys, discovered once per manager, shared by every route that verifies their tokens.
  const issuerKeys = createIssuerKeys({ clock: config.clock, onError: (error) => config.onError(error) });

  const receiveSecurityEvent: SessionManager['securityEvent'] = (set, eventOptions) => securityEvent(context, lifecycle, issuerKeys, set, eventOptions);
  const polling = createSecurityEventPolling(context, receiveSecurityEvent);

  const enabledAccessTokens = (): AccessTokens => {
    if (accessTokens === undefined) throw new SessionError('INVALID_CONFIGURATION', 'Access tokens are off: pass the accessTokens option.');
    return accessTokens;
  };

  return {
    store: rawStore,
    accessTokensEnabled: accessTokens !== undefined,
    revocationsPublished: typeof store.subscribe === 'function',
    create: async (input) => lifecycle.create(callOptions('create()', input, OPTION_KEYS.create)),
    reauthenticated: async (sessionId, reauthOptions) => lifecycle.reauthenticated(sessionId, callOptions('reauthenticated()', reauthOptions, OPTION_KEYS.reauthenticated)),
    isFresh(session, maxAge) {
      // A support session is never fresh: whoever acts cannot prove to be the user.
      if (typeof (session as { impersonatorId?: unknown } | null)?.impersonatorId === 'string') return false;
      const authenticatedAt = (session as { authenticatedAt?: unknown } | null)?.authenticatedAt;
      if (typeof authenticatedAt !== 'number' || !Number.isFinite(authenticatedAt)) throw invalidInput('isFresh() needs a session with a numeric authenticatedAt, as validate() returns it.');
      if (maxAge !== undefined && !isWholeNumber(maxAge, 1, Number.POSITIVE_INFINITY)) throw invalidInput('isFresh(): maxAge must be a whole number of ms >= 1.');
      return config.clock() - authenticatedAt < (maxAge ?? config.freshAge);
    },
    // The hot path: the lifecycle's own function, not a hop through another.
    validate: lifecycle.validate,
    revoke: async (sessionId, revokeOptions) => lifecycle.revoke(sessionId, callOptions('revoke()', revokeOptions, OPTION_KEYS.revoke)),
    revokeAll: async (userId, revokeOptions) => lifecycle.revokeAll(userId, callOptions('revokeAll()', revokeOptions, OPTION_KEYS.revokeAll), 'only'),
    revokeUsers: async (userIds, revokeOptions) => revokeUsers(lifecycle, config, userIds, callOptions('revokeUsers()', revokeOptions, OPTION_KEYS.revokeAll)),
    revokeOthers: async (userId, keepSessionId, revokeOptions) => lifecycle.revokeOthers(userId, keepSessionId, callOptions('revokeOthers()', revokeOptions, OPTION_KEYS.revokeAll)),
    revokeTenant: async (tenantId, revokeOptions) => revokeTenant(context, tenantId, callOptions('revokeTenant()', revokeOptions, OPTION_KEYS.revokeTenant)),
    impersonate: async (adminSession, userId, impersonateOptions) => impersonate(context, lifecycle, adminSession, userId, callOptions('impersonate()', impersonateOptions, OPTION_KEYS.impersonate)),
    activity: async (userId, activityOptions) => listActivity(context, userId, callOptions('activity()', activityOptions, OPTION_KEYS.activity)),
    issueRevocationLink: async (sessionId, linkOptions) => issueRevocationLink(context, sessionId, callOptions('issueRevocationLink()', linkOptions, OPTION_KEYS.ttl)),
    redeemRevocationLink: async (token, redeemOptions) => redeemRevocationLink(context, lifecycle, token, callOptions('redeemRevocationLink()', redeemOptions, OPTION_KEYS.redeemRevocationLink)),
    list: async (userId, listOptions) => lifecycle.list(userId, callOptions('list()', listOptions, OPTION_KEYS.list)),
    backchannelLogout: (logoutToken, logoutOptions) => backchannelLogout(context, lifecycle, issuerKeys, logoutToken, logoutOptions),
    securityEvent: receiveSecurityEvent,
    pollSecurityEvents: (pollOptions) => polling.poll(pollOptions),
    startSecurityEventPolling: (pollingOptions) => polling.start(pollingOptions),
    globalTokenRevocation: (bearer, body, revocationOptions) => globalTokenRevocation(context, lifecycle, issuerKeys, { bearer, body, options: revocationOptions }),
    exportUser: (userId) => exportUser(context, userId),
    eraseUser: async (userId, eraseOptions) => eraseUser(context, lifecycle, userId, callOptions('eraseUser()', eraseOptions, OPTION_KEYS.actor)),
    ...credentials,
    prune: async (pruneOptions) => pruning.prune(callOptions('prune()', pruneOptions, OPTION_KEYS.prune)),
    startPruning: () => pruning.start(),
    async close() {
      if (closed) return;
      closed = true;
      pruning.stop();
      polling.stop();
      unsubscribe?.();
      revocations.close();
      await store.close();
    },
    async issueAccessToken(session, issueOptions) {
      context.ensureOpen();
      return enabledAccessTokens().issue(session, callOptions('issueAccessToken()', issueOptions, OPTION_KEYS.ttl));
    },
    verifyAccessToken: async (jwt) => enabledAccessTokens().verify(jwt),
    accessTokenJwks: async () => enabledAccessTokens().jwks(),
    on: (type, listener) => context.hub.on(type, listener as SessionEventListener),
    watchRevocations: (listener) => revocations.watch(listener),
    liveness: (sessionId) => revocations.liveness(sessionId),
  };
}
