import type { EventHub, InvalidationReason } from '../events.js';

/**
 * Who acts, as every event and activity entry names it (`by`): the caller's `by` when given, else the
 * impersonator of the session that acts (whatever a support session does, its impersonator did).
 */
export function actorOf(by: string | undefined, acting: { readonly impersonatorId?: string | undefined } | null | undefined): string | undefined {
  return by ?? acting?.impersonatorId;
}

/** The one tenant a support session acts in, when it has one: the user's other organizations are not its admin's to see or end. */
export const supportTenant = (acting: { readonly impersonatorId?: string | undefined; readonly tenantId?: string | undefined } | undefined): string | undefined => (acting?.impersonatorId === undefined ? undefined : acting.tenantId);

/** Who and what a revocation event is about. */
export interface RevocationFacts {
  readonly at: number;
  readonly userId: string;
  readonly tenantId?: string | undefined;
  readonly reason: string;
  readonly by?: string | undefined;
}

/** `user.session_invalidated`: sessions of the kinds revoked in bulk (ids only when known). */
export function userInvalidated(hub: EventHub, facts: RevocationFacts & { readonly reason: InvalidationReason | (string & {}) }, kinds: readonly string[], sessionIds?: readonly string[]): void {
  hub.emit({ type: 'user.session_invalidated', at: facts.at, userId: facts.userId, tenantId: facts.tenantId, sessionIds, reason: facts.reason, by: facts.by, kinds });
}
