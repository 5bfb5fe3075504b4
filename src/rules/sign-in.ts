import { SessionError } from '../errors.js';
import { epochFor, ownRefusal } from '../liveness.js';
import type { Epochs, SessionRecord } from '../store-records.js';

/** The session a sign-in asks for, before the epochs are read. */
export interface NewSessionRecord extends Omit<SessionRecord, 'revokedAt' | 'revokedReason' | 'lastUsedAt' | 'expiresAt'> {
  /** Lifetime in ms: `expiresAt = createdAt + maxAge`, from the `createdAt` asked for (this server's now), not the one decided. */
  readonly maxAge: number;
}

/** The cap on live sessions per user, kind and tenant. */
export interface SessionLimit {
  /** At most this many live sessions of the user, kind and tenant once the new one is in (>= 1). */
  readonly max: number;
  /** `evict-oldest`: the least recently used end (`session_limit`); `refuse`: `SESSION_LIMIT`. */
  readonly onLimit: 'evict-oldest' | 'refuse';
  /** A session last used at or before this time (ms) is idle: never a reason to refuse, and ended first over the cap. 0: none. */
  readonly idleBefore: number;
  /** Sessions not counted, not evicted: those the sign-in ends once it is stored (the device's own, presented), and support sessions whose admin's session ended. */
  readonly leaving?: readonly string[] | undefined;
}

/** The fields of a stored row a sign-in is decided from. */
export type SignInRow = Pick<SessionRecord, 'id' | 'kind' | 'tenantId' | 'deviceKey' | 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'revokedAt'>;

/** What a sign-in is decided from: the user's rows and the epochs they are judged against. */
export interface SignInFacts<Row extends SignInRow = SessionRecord> {
  /** The user's stored rows (tombstones and expired rows included: the rule skips them). */
  readonly sessions: Iterable<Row>;
  readonly epochs: Epochs;
  /** The epochs of the new session's tenant, when it has one. */
  readonly tenantEpochs?: Epochs | undefined;
}

/** How a sign-in treats the user's other sessions. */
export interface SignInPolicy {
  /** End the live sessions of the same kind, tenant and device. */
  readonly replaceDevice: boolean;
  readonly limit?: SessionLimit | undefined;
}

/** What a sign-in does: when the new session is born, and which sessions it ends and why. */
export interface SignInDecision<Row extends SignInRow = SessionRecord> {
  /** After every epoch of the kind, so a sign-in right after "sign out everywhere" works. */
  readonly createdAt: number;
  /** Live sessions of the same device, ended with reason `replaced`. */
  readonly replaced: readonly Row[];
  /** The least recently used live sessions over the cap (idle ones first), ended with reason `session_limit`. */
  readonly evicted: readonly Row[];
}

/**
 * Decides a sign-in on rows read in the same atomic step as the write. Only the user's live sessions of the same kind and tenant
 * (none when the sign-in has none) are replaced, counted or evicted: a sign-in to a second organization leaves the first one's alone.
 * @param record - The new session, its `createdAt` the requested one.
 * @throws {@link SessionError} `SESSION_LIMIT` when the cap is reached and its `onLimit` is `refuse`.
 */
export function decideSignIn<Row extends SignInRow>(record: NewSessionRecord, facts: SignInFacts<Row>, policy: SignInPolicy): SignInDecision<Row> {
  const epoch = epochFor(record, facts, 'store');
  const createdAt = Math.max(record.createdAt, epoch + 1);
  const replacing = replacesDevice(record, policy);
  const { limit } = policy;
  const live = [...facts.sessions].filter(
    (other) => other.kind === record.kind && other.tenantId === record.tenantId && ownRefusal(other, facts, record.createdAt) === undefined,
  );
  const replaced = replacing ? live.filter((other) => other.deviceKey === record.deviceKey) : [];
  if (limit === undefined) return { createdAt, replaced, evicted: [] };
  const counted = live.filter((other) => !replaced.includes(other) && limit.leaving?.includes(other.id) !== true);
  const excess = counted.length + 1 - limit.max;
  // Stryker disable next-line EqualityOperator: at 0 the eviction below is slice(0, 0), nothing.
  if (excess <= 0) return { createdAt, replaced, evicted: [] };
  // Idle sessions are the least recently used, so evicted first: ended for good, a use already on its way cannot bring one back over the cap.
  const inUse = counted.filter((other) => other.lastUsedAt > limit.idleBefore).length;
  if (limit.onLimit === 'refuse' && inUse + 1 > limit.max) throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
  return { createdAt, replaced, evicted: counted.sort(leastRecentlyUsedFirst).slice(0, excess) };
}

/** Whether a sign-in ends the live sessions of its device: only a sign-in that names one, under a policy that replaces. */
export function replacesDevice(record: Pick<NewSessionRecord, 'deviceKey'>, policy: Pick<SignInPolicy, 'replaceDevice'>): boolean {
  return policy.replaceDevice && record.deviceKey !== undefined;
}

// Least recently used, then oldest, then by id: every store evicts the same session.
function leastRecentlyUsedFirst(a: SignInRow, b: SignInRow): number {
  // Stryker disable next-line EqualityOperator: ids are unique, so `<=` orders the same.
  return a.lastUsedAt - b.lastUsedAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
}
