import type { ManagerContext } from '../core/context.js';
import { liveSessionOf } from '../core/live-session.js';
import type { SessionRecord } from '../store.js';
import type { FederatedLink, FederatedQuery } from '../storage/types.js';

/** The links a query answers, checked, as of the manager's clock. */
export async function findLinks(context: ManagerContext, query: FederatedQuery): Promise<readonly FederatedLink[]> {
  return context.calls.call('findFederatedLinks', () => context.store.findFederatedLinks(query, context.config.clock()));
}

/** A linked session not ended yet, or `undefined`; an idle one still counts: access tokens, of any instance, work until it is revoked. */
export function liveLinkedSession(context: ManagerContext, link: FederatedLink): Promise<SessionRecord | undefined> {
  return liveSessionOf(context, link.userId, link.sessionId, context.config.clock(), false);
}
