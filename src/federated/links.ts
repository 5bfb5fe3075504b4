import type { ManagerContext } from '../core/context.js';
import { judgeLookup, readSession } from '../core/live-session.js';
import type { SessionRecord } from '../store.js';
import type { FederatedLink, FederatedQuery } from '../storage/types.js';

/** The links a query answers, checked, as of the manager's clock. */
export async function findLinks(context: ManagerContext, query: FederatedQuery): Promise<readonly FederatedLink[]> {
  return context.calls.call('findFederatedLinks', () => context.store.findFederatedLinks(query, context.config.clock()));
}

/**
 * A linked session not ended yet, or `undefined`. An idle one still counts when the manager
 * issues access tokens: they keep working until it is revoked.
 */
export async function liveLinkedSession(context: ManagerContext, link: FederatedLink): Promise<SessionRecord | undefined> {
  const found = await readSession(context, link.sessionId);
  if (found === null || found.session.userId !== link.userId) return undefined;
  return (await judgeLookup(context, found, context.config.clock(), context.accessTokens === undefined)) === undefined ? found.session : undefined;
}
