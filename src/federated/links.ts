import type { ManagerContext } from '../core/context.js';
import type { SessionView } from '../session.js';
import { judgeLookup, readSession } from '../core/live-session.js';
import type { FederatedIdentity, SessionRecord } from '../store.js';
import type { FederatedLink, FederatedQuery } from '../storage/types.js';

/** Adds each listed session's federated origin (one more read). */
export async function withFederated(context: ManagerContext, userId: string, views: SessionView[], now: number): Promise<SessionView[]> {
  const { store } = context;
  if (views.length === 0) return views;
  const links = await context.calls.call('findFederatedLinks', () => store.findFederatedLinks({ by: 'user', userId }, now));
  const bySession = new Map(links.filter((link) => link.userId === userId).map((link) => [link.sessionId, link]));
  return views.map((view) => {
    const link = bySession.get(view.id);
    if (link === undefined) return view;
    const federated: FederatedIdentity = link.sid === undefined ? { iss: link.iss, sub: link.sub } : { iss: link.iss, sub: link.sub, sid: link.sid };
    return { ...view, federated };
  });
}

/** The links a query answers, checked, as of the manager's clock. */
export async function findLinks(context: ManagerContext, query: FederatedQuery): Promise<readonly FederatedLink[]> {
  return context.calls.call('findFederatedLinks', () => context.store.findFederatedLinks(query, context.config.clock()));
}

/**
 * A linked session that has not ended yet, so the provider's message is what ends it. One
 * already ended (revoked, signed out everywhere, expired, idle) is left as it is: no event, no
 * activity entry. An idle session still counts when the manager issues access tokens: using one
 * never touches its session, so they keep working until it is revoked.
 */
export async function liveLinkedSession(context: ManagerContext, link: FederatedLink): Promise<SessionRecord | undefined> {
  const found = await readSession(context, link.sessionId);
  if (found === null || found.session.userId !== link.userId) return undefined;
  return (await judgeLookup(context, found, context.config.clock(), context.accessTokens === undefined)) === undefined ? found.session : undefined;
}
