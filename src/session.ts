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

/** One row of the "Login management" list: the stored session's facts a user may see, and the texts of the row. */
export interface SessionView extends Pick<SessionRecord, 'id' | 'kind' | 'browser' | 'os' | 'deviceType' | 'createdAt' | 'lastUsedAt' | 'authenticatedAt' | 'expiresAt' | 'ip' | 'tenantId' | 'impersonatorId' | 'federated'> {
  /** `"Chrome on Mac OS"`, `"Chrome"`, `"Unknown browser on iOS"`, `"Unknown device"`, or `"Support access by <impersonatorId>"`. */
  readonly deviceLabel: string;
  /** `"Just now"`, `"3 hours ago"`, in the requested locale. */
  readonly lastUsed: string;
  /** `true` for the caller's own session. */
  readonly current: boolean;
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
