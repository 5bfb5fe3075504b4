/**
 * The framework-agnostic core: the session manager, the embedded memory store, device
 * labels and the error type.
 *
 * @example
 * ```ts
 * import { createSessionManager } from 'session-revocation';
 * const sessions = createSessionManager();
 * const { token, session } = await sessions.create({ userId: 'u1', userAgent });
 * ```
 *
 * @module session-revocation
 */
export { createSessionManager } from './manager/index.js';
export type {
  ActivityEntry,
  ActivityOptions,
  ActorOptions,
  CreatedSession,
  CreateSessionInput,
  CredentialChangeOptions,
  CredentialChangeResult,
  ExportedDevice,
  ExportedSession,
  ImpersonateOptions,
  ListOptions,
  ReauthenticateOptions,
  RedeemedRevocationLink,
  RedeemRevocationLinkOptions,
  RevocationLinkOptions,
  RevokeAllResult,
  RevokeAllSessionsOptions,
  RevokeOthersResult,
  RevokeOthersSessionsOptions,
  RevokeSessionOptions,
  RevokeTenantResult,
  RevokeTenantSessionsOptions,
  RevokeUserOutcome,
  SessionLiveness,
  SessionManager,
  SignOutOptions,
  SignOutResult,
  UserErasure,
  UserExport,
  ValidateOptions,
} from './manager/api.js';
export type { CreateSessionManagerOptions, KindOptions, PolicyContext, SessionManagerOptions, SessionPolicy } from './options.js';
export type { Session, SessionView, ValidationFailureReason, ValidationResult } from './session.js';
export { SessionError, isSessionError, storeFailure } from './errors.js';
export type { SessionErrorCode } from './errors.js';
export type { IpPolicy } from './ip-policy.js';
export { rpLogoutUrl } from './federated/rp-logout-url.js';
export type { BackchannelIssuer, BackchannelLogoutOptions, BackchannelLogoutResult, BackchannelRefusal, BackchannelRefusalReport, FederatedActions, FederatedIdentity, RpLogoutUrlOptions } from './federated/api.js';
export type { SecurityEventActions, SecurityEventError, SecurityEventOptions, SecurityEventRefusalReport, SecurityEventResult, SecurityEventSubject, SecurityEventTransmitter } from './security-events/api.js';
export type { SecurityEventPollActions, SecurityEventPollOptions, SecurityEventPollResult, SecurityEventPollingOptions } from './security-events/poll-api.js';
export type {
  GlobalTokenRevocationActions,
  GlobalTokenRevocationContext,
  GlobalTokenRevocationIssuer,
  GlobalTokenRevocationOptions,
  GlobalTokenRevocationRefusal,
  GlobalTokenRevocationRequestOptions,
  GlobalTokenRevocationResult,
  GlobalTokenRevocationSubject,
} from './security-events/universal-logout/api.js';
export { memoryStore } from './stores/memory.js';
export type { MemoryStoreOptions } from './stores/memory.js';
export { deviceLabel, uaParserDeviceParser, MAX_USER_AGENT_LENGTH } from './device.js';
export type { DeviceInfo, DeviceParser } from './device.js';
export { formatLastUsed } from './relative-time.js';
export type {
  InvalidationReason,
  SessionCreatedEvent,
  SessionEvent,
  SessionEventBase,
  SessionEventListener,
  SessionEventType,
  SessionReauthenticatedEvent,
  SessionRevokedEvent,
  SessionReusedEvent,
  SessionRevokedReason,
  SessionsPrunedEvent,
  TenantSessionsInvalidatedEvent,
  UserSessionInvalidatedEvent,
} from './events.js';
export { ACCESS_TOKEN_TYPE } from './access-tokens/index.js';
export type { AccessTokenAlgorithm, AccessTokenClaims, AccessTokenFailureReason, AccessTokenKey, AccessTokenOptions, AccessTokenVerification, IssueAccessTokenOptions, KeyLike } from './access-tokens/index.js';
// What a store author names (records, options, capabilities) is in `session-revocation/store`.
export type { SessionStore } from './store.js';
