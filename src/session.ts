import type { FederatedIdentity } from './store-records.js';
import { sessionLabel } from './device-label.js';
import { formatLastUsed } from './relative-time.js';
import type { SessionRecord } from './store.js';

/** A session as the app sees it: the stored record without the secret hashes and rotation salt, the admin's session id and the provider origin (`list()` shows that one). */
export type Session = Omit<SessionRecord, 'secretHash' | 'previousSecretHash' | 'rotationSalt' | 'retiredSecretHashes' | 'impersonatorSessionId' | 'impersonatorEpochs' | 'federated'>;

/** Why a token was refused by {@link SessionManager.validate}. */
export type ValidationFailureReason = 'missing' | 'malformed' | 'not_found' | 'expired' | 'idle' | 'revoked' | 'reused';

/** The result of {@link SessionManager.validate}: never thrown, always returned. */
export type ValidationResult =
  | {
      /** The token is live. */
      readonly ok: true;
      /** Its session. */
      readonly session: Session;
      /** Set when the secret was rotated (`rotateAfter`): the token to send back instead (the HTTP layer writes the cookie). */
      readonly rotatedToken?: string | undefined;
    }
  | {
      /** The token is refused. */
      readonly ok: false;
      /** Why; `reused`: a rotated-out token came back after the grace, and either token of that session is refused so (`token_reused`). */
      readonly reason: ValidationFailureReason;
    };

/** One row of the "Login management" list. */
export interface SessionView {
  /** The session id: pass it to `revoke()` for a "Log out" button. */
  readonly id: string;
  /** `browser`, `remember`, `api` or an app kind. */
  readonly kind: string;
  /** `"Chrome on Mac OS"`, `"Chrome"`, `"Unknown browser on iOS"`, `"Unknown device"`, or `"Support access by <impersonatorId>"`. */
  readonly deviceLabel: string;
  /** Browser name, e.g. `"Chrome"`, when known. */
  readonly browser?: string | undefined;
  /** Operating system, e.g. `"Mac OS"`, when known. */
  readonly os?: string | undefined;
  /** `"desktop" | "mobile" | "tablet"` when known, for an icon. */
  readonly deviceType?: string | undefined;
  /** Sign-in time (ms). */
  readonly createdAt: number;
  /** Last use (ms), accurate to the touch interval. */
  readonly lastUsedAt: number;
  /** When the user last proved who they are on this session (ms): sign-in or re-authentication; 0 for a support session, which nobody proved. */
  readonly authenticatedAt: number;
  /** `"Just now"`, `"3 hours ago"`, in the requested locale. */
  readonly lastUsed: string;
  /** Absolute expiry (ms). */
  readonly expiresAt: number;
  /** `true` for the caller's own session. */
  readonly current: boolean;
  /** The IP address at sign-in, when the app gave one. */
  readonly ip?: string | undefined;
  /** The session's tenant, when it has one. */
  readonly tenantId?: string | undefined;
  /** Set on a support session (`impersonate`): who is acting as the user. */
  readonly impersonatorId?: string | undefined;
  /** Where the user signed in, when it was through an identity provider (`federated` at sign-in). */
  readonly federated?: FederatedIdentity | undefined;
}

/** Strips the secret hash: nothing outside the manager needs it. */
export function toSession(record: SessionRecord, lastUsedAt = record.lastUsedAt): Session {
  return {
    id: record.id,
    userId: record.userId,
    tenantId: record.tenantId,
    kind: record.kind,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    lastUsedAt,
    authenticatedAt: record.authenticatedAt,
    persistent: record.persistent,
    deviceKey: record.deviceKey,
    browser: record.browser,
    os: record.os,
    deviceType: record.deviceType,
    userAgent: record.userAgent,
    ip: record.ip,
    data: record.data,
    impersonatorId: record.impersonatorId,
    revokedAt: record.revokedAt,
    revokedReason: record.revokedReason,
    rotatedAt: record.rotatedAt,
  };
}

/** A stored record as a list row. */
export function toView(record: SessionRecord, currentSessionId: string | undefined, now: number, locale: string | undefined): SessionView {
  return {
    id: record.id,
    kind: record.kind,
    deviceLabel: sessionLabel(record),
    browser: record.browser,
    os: record.os,
    deviceType: record.deviceType,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    authenticatedAt: record.authenticatedAt,
    lastUsed: formatLastUsed(record.lastUsedAt, now, locale),
    expiresAt: record.expiresAt,
    current: record.id === currentSessionId,
    ip: record.ip,
    tenantId: record.tenantId,
    impersonatorId: record.impersonatorId,
    federated: record.federated === undefined ? undefined : { ...record.federated },
  };
}
