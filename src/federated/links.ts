import { SessionError } from '../errors.js';
import type { ManagerContext } from '../core/context.js';
import type { SessionView } from '../session.js';
import type { SessionRecord } from '../store.js';
import { judgeLookup, readSession } from '../core/live-session.js';
import { keepsFederated } from './capability.js';
import { isFederatedText } from './input.js';
import { FEDERATED_LIMITS, type FederatedIdentity, type FederatedLink, type FederatedQuery, type FederatedStore } from '../store-capabilities/federated.js';

/** The store with the federated capability, or `INVALID_CONFIGURATION` naming what needs it. */
export function requireFederated(context: ManagerContext, what: string): FederatedStore {
  if (!keepsFederated(context.store)) {
    throw new SessionError('INVALID_CONFIGURATION', `${what} needs a store with the federated sign-out capability (memory, SQLite, PostgreSQL and Redis stores have it).`);
  }
  return context.store;
}

/**
 * Records where a new session came from. Until this is stored a provider's logout could not
 * find the session, so when it fails the session is ended (`endSession`) and the error thrown:
 * a sign-in that cannot be signed out by its provider does not exist.
 */
export async function linkSession(context: ManagerContext, session: SessionRecord, identity: FederatedIdentity, endSession: () => Promise<unknown>): Promise<void> {
  const store = requireFederated(context, 'create() with federated');
  const link: FederatedLink = { sessionId: session.id, userId: session.userId, expiresAt: session.expiresAt, ...identity };
  try {
    await context.calls.call('saveFederatedLink', () => store.saveFederatedLink(link));
  } catch (error) {
    await endSession().catch((endError: unknown) => context.config.onError(endError));
    throw error;
  }
}

/** A store's answer checked as the contract says, so a malformed one is a `STORE_ERROR`, never a match. */
export function checkLinks(answer: unknown): readonly FederatedLink[] {
  if (!Array.isArray(answer)) throw new SessionError('STORE_ERROR', 'findFederatedLinks() answered something other than a list.');
  for (const link of answer as unknown[]) {
    const candidate = link as Partial<Record<keyof FederatedLink, unknown>> | null;
    const valid =
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.sessionId === 'string' &&
      typeof candidate.userId === 'string' &&
      isFederatedText(candidate.iss, FEDERATED_LIMITS.issLength) &&
      isFederatedText(candidate.sub, FEDERATED_LIMITS.subLength) &&
      (candidate.sid === undefined || isFederatedText(candidate.sid, FEDERATED_LIMITS.idLength)) &&
      typeof candidate.expiresAt === 'number' &&
      Number.isFinite(candidate.expiresAt);
    if (!valid) throw new SessionError('STORE_ERROR', 'findFederatedLinks() answered a malformed link.');
  }
  return answer as readonly FederatedLink[];
}

/** Adds each listed session's federated origin (stores with the capability; one more read). */
export async function withFederated(context: ManagerContext, userId: string, views: SessionView[], now: number): Promise<SessionView[]> {
  const { store } = context;
  if (views.length === 0 || !keepsFederated(store)) return views;
  const links = checkLinks(await context.calls.call('findFederatedLinks', () => store.findFederatedLinks({ by: 'user', userId }, now)));
  const bySession = new Map(links.filter((link) => link.userId === userId).map((link) => [link.sessionId, link]));
  return views.map((view) => {
    const link = bySession.get(view.id);
    if (link === undefined) return view;
    const federated: FederatedIdentity = link.sid === undefined ? { iss: link.iss, sub: link.sub } : { iss: link.iss, sub: link.sub, sid: link.sid };
    return { ...view, federated };
  });
}

/** The links a query answers, checked, as of the manager's clock. */
export async function findLinks(context: ManagerContext, store: FederatedStore, query: FederatedQuery): Promise<readonly FederatedLink[]> {
  return checkLinks(await context.calls.call('findFederatedLinks', () => store.findFederatedLinks(query, context.config.clock())));
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
