import type { ManagerContext } from '../core/context.js';
import type { FederatedLink, FederatedQuery } from '../storage/types.js';

/** The links a query answers, checked, as of the manager's clock. */
export async function findLinks(context: ManagerContext, query: FederatedQuery): Promise<readonly FederatedLink[]> {
  return context.calls.call('findFederatedLinks', () => context.store.findFederatedLinks(query, context.config.clock()));
}
