import { getOrAdd } from './get-or-add.js';

/**
 * Why one session was revoked (`session.revoked`); `not_me` from a "This wasn't me" link, `security_event` from a transmitter's Security Event Token.
 * A session that runs out is no event: it is refused as expired, and pruning counts it (`sessions.pruned`).
 */
export type SessionRevokedReason = 'sign_out' | 'revoked' | 'replaced' | 'session_limit' | 'not_me' | 'idp_logout' | 'security_event' | 'token_reused';

/** Why many sessions of a user were invalidated (`user.session_invalidated`); `security_event` from a transmitter's Security Event Token. */
export type InvalidationReason = 'sign_out_everywhere' | 'sign_out_others' | 'global_logout' | 'password_changed' | 'password_reset' | 'email_changed' | 'admin' | 'user_erased' | 'not_me' | 'security_event';

/** Fields every user event carries. */
export interface SessionEventBase {
  /** When it happened (ms, the manager's clock). */
  readonly at: number;
  /** The user concerned. */
  readonly userId: string;
  /** The user's tenant, when known. */
  readonly tenantId?: string | undefined;
  /** The sessions concerned, when known (bulk revocations by epoch do not list them). */
  readonly sessionIds?: readonly string[] | undefined;
  /** Who acted, when it was not the user (an admin id, a job name, a support agent). */
  readonly by?: string | undefined;
  /** The client IP of the session concerned (after the IP policy), when known. */
  readonly ip?: string | undefined;
  /** The device of the session concerned, e.g. `"Chrome on Mac OS"`, when known. */
  readonly deviceLabel?: string | undefined;
}

/** A session was created by a sign-in. */
export interface SessionCreatedEvent extends SessionEventBase {
  /** The event type. */
  readonly type: 'session.created';
  /** A sign-in, a device's fresh session after a credential change, or a support session (`by` the impersonator). */
  readonly reason: 'sign_in' | 'password_changed' | 'email_changed' | 'impersonation';
  /** Device label of the new session, e.g. `"Chrome on Mac OS"`. */
  readonly deviceLabel: string;
  /** The new session's kind. */
  readonly kind: string;
  /** True when the user has not signed in from this browser, OS and network within `knownDeviceWindow`; false on a store without activity (no `listActivity`), and for a support session (not the user's device). */
  readonly newDevice: boolean;
}

/** The user proved who they are again on a session (`reauthenticated`): it is fresh. */
export interface SessionReauthenticatedEvent extends SessionEventBase {
  /** The event type. */
  readonly type: 'session.reauthenticated';
  /** Always `reauthenticated`, so every event has a reason. */
  readonly reason: 'reauthenticated';
  /** Device label of the session, e.g. `"Chrome on Mac OS"`. */
  readonly deviceLabel: string;
  /** The session's kind. */
  readonly kind: string;
}

/** One session was revoked. */
export interface SessionRevokedEvent extends SessionEventBase {
  /** The event type. */
  readonly type: 'session.revoked';
  /** `sign_out`, `revoked`, `replaced`, `session_limit` (evicted by `maxSessions`), or the reason the app gave. */
  readonly reason: SessionRevokedReason | (string & {});
}

/**
 * A rotated-out token was presented after `rotationGrace`: the cookie was copied, or a device
 * kept an old one. The session was ended (`token_reused`); both tokens are refused.
 */
export interface SessionReusedEvent extends SessionEventBase {
  /** The event type. */
  readonly type: 'session.reused';
  /** Always `token_reused`, the session's `revokedReason`. */
  readonly reason: 'token_reused';
  /** Device label of the session, e.g. `"Chrome on Mac OS"`. */
  readonly deviceLabel: string;
  /** The session's kind. */
  readonly kind: string;
}

/** Several (or all) sessions of a user were invalidated. */
export interface UserSessionInvalidatedEvent extends SessionEventBase {
  /** The event type. */
  readonly type: 'user.session_invalidated';
  /** What triggered it, e.g. `sign_out_everywhere`, `password_changed`, `admin`. */
  readonly reason: InvalidationReason | (string & {});
  /** Kinds whose sessions were invalidated. */
  readonly kinds: readonly string[];
}

/** Every session of a tenant's users was invalidated (`revokeTenant`), by epoch. */
export interface TenantSessionsInvalidatedEvent {
  /** The event type. */
  readonly type: 'tenant.sessions_invalidated';
  /** When it happened (ms). */
  readonly at: number;
  /** The tenant. */
  readonly tenantId: string;
  /** Why: `admin` unless the caller gave another reason. */
  readonly reason: string;
  /** Who acted. */
  readonly by?: string | undefined;
  /** Kinds whose sessions were invalidated. */
  readonly kinds: readonly string[];
}

/** Expired rows were pruned. */
export interface SessionsPrunedEvent {
  /** The event type. */
  readonly type: 'sessions.pruned';
  /** When the prune ran (ms). */
  readonly at: number;
  /** Always `expired`. */
  readonly reason: 'expired';
  /** Rows deleted. */
  readonly count: number;
}

/** Every audit event the manager emits. Narrow on `type`. */
export type SessionEvent = SessionCreatedEvent | SessionReauthenticatedEvent | SessionRevokedEvent | SessionReusedEvent | UserSessionInvalidatedEvent | TenantSessionsInvalidatedEvent | SessionsPrunedEvent;

/** Event type names, for {@link SessionManager.on}. */
export type SessionEventType = SessionEvent['type'];

/** A listener; it may be async. Its errors never reach the caller of the action. */
export type SessionEventListener<E extends SessionEvent = SessionEvent> = (event: E) => void | Promise<void>;

/** Calls listeners after the store acknowledged the change, so a listener's error (to `onError`) cannot undo it. */
export class EventHub {
  readonly #listeners = new Map<string, Set<SessionEventListener>>();

  constructor(private readonly onError: (error: unknown, event: SessionEvent) => void) {}

  on(type: SessionEventType | '*', listener: SessionEventListener): () => void {
    const set = getOrAdd(this.#listeners, type, () => new Set<SessionEventListener>()).add(listener);
    return () => void set.delete(listener);
  }

  emit(event: SessionEvent): void {
    this.#deliver(this.#listeners.get(event.type), event);
    this.#deliver(this.#listeners.get('*'), event);
  }

  #deliver(listeners: Set<SessionEventListener> | undefined, event: SessionEvent): void {
    for (const listener of listeners ?? []) callBack(listener, event, (error) => this.onError(error, event));
  }
}

/** Calls an app's callback (a listener, an `onRefused`): what it throws, or its promise rejects, goes to `onError`, never to the caller nor unhandled. */
export function callBack<T>(callback: ((value: T) => unknown) | undefined, value: T, onError: (error: unknown) => void): void {
  const failed = (error: unknown): void => {
    try {
      onError(error);
    } catch {
      // Nowhere left to report to.
    }
  };
  try {
    const result = callback?.(value);
    if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}
