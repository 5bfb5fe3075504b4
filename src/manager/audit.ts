import type { EventHub, InvalidationReason } from '../events.js';

/**
 * The audit events of revocations, built in one place so every path that revokes (a sign-out,
 * a replaced device, an admin, a credential change) reports the same fields.
 */

/** Who and what a revocation event is about. */
export interface RevocationFacts {
  readonly at: number;
  readonly userId: string;
  readonly tenantId?: string | undefined;
  readonly reason: string;
  readonly by?: string | undefined;
}

/** `session.revoked`: the sessions named, revoked one by one. */
export function sessionsRevoked(hub: EventHub, facts: RevocationFacts, sessionIds: readonly string[]): void {
  hub.emit({ type: 'session.revoked', at: facts.at, userId: facts.userId, tenantId: facts.tenantId, sessionIds, reason: facts.reason, by: facts.by });
}

/** `user.session_invalidated`: sessions of the kinds revoked in bulk (ids only when known). */
export function userInvalidated(
  hub: EventHub,
  facts: RevocationFacts & { readonly reason: InvalidationReason | (string & {}) },
  kinds: readonly string[],
  sessionIds?: readonly string[],
): void {
  hub.emit({ type: 'user.session_invalidated', at: facts.at, userId: facts.userId, tenantId: facts.tenantId, sessionIds, reason: facts.reason, by: facts.by, kinds });
}
