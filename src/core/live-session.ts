import { refusalOf, type ImpersonatorFacts, type Refusal, type RevocationFacts } from '../liveness.js';
import type { ResolvedOptions } from '../options.js';
import { checkLookup } from '../store-answers.js';
import type { SessionLookup, SessionRecord, UserSessions } from '../store.js';
import type { ManagerContext } from './context.js';

// How the manager and its features read a session and ask the one liveness rule
// (src/liveness.ts) about it: every path that acts on a stored session goes through here, so
// none can judge it otherwise.

/** The idle timeout of a kind (ms), 0 when it has none. */
export function idleTimeoutOf(config: ResolvedOptions, kind: string): number {
  return config.kinds.get(kind)?.idleTimeout ?? 0;
}

/** Reads one session and its epochs (one store round trip), shape-checked; `null` when no row exists. */
export async function readSession(context: ManagerContext, sessionId: string): Promise<SessionLookup | null> {
  return checkLookup(await context.calls.call('get', () => context.store.get(sessionId)), sessionId);
}

/** What was read of support sessions' admins, by admin and admin session: a list reads each once. */
type AdminReads = Map<string, Promise<ImpersonatorFacts>>;

/** How a list asks: its name for error messages, and the admin reads its rows share. */
interface ListReads {
  readonly what: string;
  readonly admins: AdminReads;
}

/**
 * Judges a row read with its epochs. A support session needs its admin's session too: one more
 * read, for that rare kind only (once per admin session of a list). `countIdle: false` leaves
 * idleness out (an access token's use never touches its session, so its verification does not count it).
 */
export async function judgeLookup(context: ManagerContext, found: SessionLookup, now: number, countIdle = true, list?: ListReads): Promise<Refusal | undefined> {
  const record = found.session;
  const { impersonatorId, impersonatorSessionId } = record;
  let facts: RevocationFacts = found;
  if (impersonatorId !== undefined) {
    const admins: AdminReads = list?.admins ?? new Map();
    const key = JSON.stringify([impersonatorId, impersonatorSessionId ?? null]);
    let pending = admins.get(key);
    if (pending === undefined) admins.set(key, (pending = impersonatorOf(context, impersonatorId, impersonatorSessionId, now)));
    facts = { epochs: found.epochs, tenantEpochs: found.tenantEpochs, impersonator: await pending };
  }
  return refusalOf(record, facts, now, countIdle ? idleTimeoutOf(context.config, record.kind) : 0, list?.what ?? 'get');
}

/** A live session of `userId` by id, or `undefined` (missing, another user's, or not live at `now`). */
export async function liveSessionOf(context: ManagerContext, userId: string, sessionId: string | undefined, now: number, countIdle = true): Promise<SessionRecord | undefined> {
  if (sessionId === undefined) return undefined;
  const found = await readSession(context, sessionId);
  if (found === null || found.session.userId !== userId) return undefined;
  return (await judgeLookup(context, found, now, countIdle)) === undefined ? found.session : undefined;
}

/**
 * Each row of a user's list with its verdict at `now`, judged against the user's and its
 * tenant's epochs (and, for support sessions, their admin's, read once per admin session).
 */
export async function judgeAll(context: ManagerContext, answer: UserSessions, now: number): Promise<Array<{ record: SessionRecord; refusal: Refusal | undefined }>> {
  const { sessions, epochs, tenantEpochs } = answer;
  const list: ListReads = { what: 'listByUser', admins: new Map() };
  const verdicts = [];
  for (const record of sessions) {
    const ofTenant = record.tenantId === undefined || tenantEpochs === undefined || !Object.hasOwn(tenantEpochs, record.tenantId) ? undefined : tenantEpochs[record.tenantId];
    verdicts.push({ record, refusal: await judgeLookup(context, { session: record, epochs, tenantEpochs: ofTenant }, now, true, list) });
  }
  return verdicts;
}

/**
 * What a support session's liveness needs of its admin, in one read: the admin session that
 * started it, with the admin's epochs, judged by the same rule with idleness left out (the admin
 * is busy in the support session). A support session without that link (a store that did not
 * keep it, an instance of an earlier release) cannot show its admin is still signed in: refused.
 */
async function impersonatorOf(context: ManagerContext, adminId: string, adminSessionId: string | undefined, now: number): Promise<ImpersonatorFacts> {
  const found = adminSessionId === undefined ? null : await readSession(context, adminSessionId);
  // Gone (pruned, erased), unlinked, or not the admin's: as ended as a revoked one.
  if (found === null || found.session.userId !== adminId) return { epochs: {}, adminSessionRefusal: 'revoked' };
  // A support session never starts another, so this judgement reads nothing more.
  return { epochs: found.epochs, adminSessionRefusal: refusalOf(found.session, found, now, 0, 'get') };
}
