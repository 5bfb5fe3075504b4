import type { EventHub, InvalidationReason } from '../events.js';

/**
 * The audit events of revocations, built in one place so every path that revokes (a sign-out,
 * a replaced device, an admin, a credential change) reports the same fields.
 */

/**
 * Who acts, as every event and activity entry names it (`by`): the caller's `by` when given,
 * else the impersonator of the session that acts. Whatever a support session does, its
 * impersonator did; every door that acts from a session (a sign-out, a credential change,
 * "sign out others", a sign-in presenting an older token) asks here.
 * @param by - The actor the caller named, if any.
 * @param acting - The stored session that acts, when known.
 */
export function actorOf(by: string | undefined, acting: { readonly impersonatorId?: string | undefined } | null | undefined): string | undefined {
  return by ?? acting?.impersonatorId;
}

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
