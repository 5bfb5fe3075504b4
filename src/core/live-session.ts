import { refusalOf, type ImpersonatorFacts, type Refusal, type RevocationFacts } from '../liveness.js';
import { getOrAdd } from '../get-or-add.js';
import type { ResolvedOptions } from '../options.js';
import { checkLookup } from '../store-answers.js';
import type { SessionLookup, SessionRecord } from '../store.js';
import { ownEntry } from '../storage/records.js';
import type { UserSessions } from '../storage/types.js';
import { isSessionId } from '../token.js';
import type { ManagerContext } from './context.js';

// Every path that acts on a stored session reads and judges it here, so none can judge it otherwise.

/** The idle timeout of a kind (ms), 0 when it has none. */
export const idleTimeoutOf = (config: ResolvedOptions, kind: string): number => config.kinds.get(kind)?.idleTimeout ?? 0;

/** Reads one session and its epochs (one store round trip), shape-checked; `null` when no row exists (none has an id of another shape). */
export async function readSession(context: ManagerContext, sessionId: unknown): Promise<SessionLookup | null> {
  if (!isSessionId(sessionId)) return null;
  return checkLookup(await context.calls.call('get', () => context.store.get(sessionId)), sessionId);
}

// A list reads each admin session once.
type AdminReads = Map<string, Promise<ImpersonatorFacts>>;

interface ListReads {
  readonly what: string;
  readonly admins: AdminReads;
}

/** Judges a row read with its epochs (a support session reads its admin's too); `countIdle: false` for access tokens, whose use never touches the session. */
export async function judgeLookup(context: ManagerContext, found: SessionLookup, now: number, countIdle = true, list?: ListReads): Promise<Refusal | undefined> {
  const record = found.session;
  const { impersonatorId, impersonatorSessionId } = record;
  let facts: RevocationFacts = found;
  if (impersonatorId !== undefined) {
    const admins: AdminReads = list?.admins ?? new Map();
    const key = JSON.stringify([impersonatorId, impersonatorSessionId ?? null]);
    const pending = getOrAdd(admins, key, () => impersonatorOf(context, impersonatorId, impersonatorSessionId, now));
    facts = { epochs: found.epochs, tenantEpochs: found.tenantEpochs, impersonator: await pending };
  }
  return refusalOf(record, facts, now, countIdle ? idleTimeoutOf(context.config, record.kind) : 0, list?.what ?? 'get');
}

/** A session of `userId` by id, live or not, or `undefined` (no session id, no row, another user's). */
export async function storedSessionOf(context: ManagerContext, userId: string, sessionId: unknown): Promise<SessionLookup | undefined> {
  const found = await readSession(context, sessionId);
  return found !== null && found.session.userId === userId ? found : undefined;
}

/** A live session of `userId` by id, or `undefined` (missing, another user's, or not live at `now`). */
export async function liveSessionOf(context: ManagerContext, userId: string, sessionId: string | undefined, now: number, countIdle = true): Promise<SessionRecord | undefined> {
  const found = await storedSessionOf(context, userId, sessionId);
  return found !== undefined && (await judgeLookup(context, found, now, countIdle)) === undefined ? found.session : undefined;
}

/** Each row of a user's list with its verdict at `now`; `countIdle: false` for revocations, which must reach an idle row's access tokens. */
export async function judgeAll(context: ManagerContext, answer: UserSessions, now: number, countIdle = true): Promise<Array<{ record: SessionRecord; refusal: Refusal | undefined }>> {
  const { sessions, epochs, tenantEpochs } = answer;
  const list: ListReads = { what: 'listByUser', admins: new Map() };
  const verdicts = [];
  for (const record of sessions) {
    const ofTenant = tenantEpochs === undefined ? undefined : ownEntry(tenantEpochs, record.tenantId);
    verdicts.push({ record, refusal: await judgeLookup(context, { session: record, epochs, tenantEpochs: ofTenant }, now, countIdle, list) });
  }
  return verdicts;
}

// The admin's idleness is left out: the admin is busy in the support session.
async function impersonatorOf(context: ManagerContext, adminId: string, adminSessionId: string | undefined, now: number): Promise<ImpersonatorFacts> {
  const found = adminSessionId === undefined ? null : await readSession(context, adminSessionId);
  // Gone, unlinked or not the admin's: revoked.
  if (found === null || found.session.userId !== adminId) return { epochs: {}, adminSessionRefusal: 'revoked' };
  // A support session never starts another, so this judgement reads nothing more.
  return { epochs: found.epochs, adminSessionRefusal: refusalOf(found.session, found, now, 0, 'get') };
}
