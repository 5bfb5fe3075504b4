import { TOKEN_REUSED } from './rotation/index.js';
import { checkAllEpochs, epochOf } from './store-answers.js';
import type { Epochs, SessionRecord } from './store-records.js';

// The one rule for "is this stored session live at `now`?": every path that acts on a row it read asks it.

/** Why a stored session is not live; `reused` is a revocation because a retired token came back. */
export type Refusal = 'expired' | 'idle' | 'revoked' | 'reused';

/** The revocation state a row is judged against, read with it. */
export interface RevocationFacts {
  /** The owner's epochs (kind → ms). */
  readonly epochs: Epochs;
  /** The epochs of the row's tenant, when it has a tenant and the store keeps tenant epochs. */
  readonly tenantEpochs?: Epochs | undefined;
  /** For a support session: what was read of its admin. Missing: the row is refused. */
  readonly impersonator?: ImpersonatorFacts | undefined;
}

/** What a support session's liveness depends on besides its row; the admin session's idleness does not count. */
export interface ImpersonatorFacts {
  /** The admin's own epochs: a revocation of any kind since the support session began ends it. */
  readonly epochs: Epochs;
  /** Why the admin session that started it is not live (revoked, expired, gone), or `undefined` while it is. */
  readonly adminSessionRefusal: Refusal | undefined;
}

/** The fields of a row that liveness is decided from. */
export type LivenessFields = Pick<SessionRecord, 'kind' | 'tenantId' | 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'revokedAt' | 'revokedReason' | 'impersonatorId' | 'impersonatorEpochs'>;

/** Why a row is not live (expired, revoked by itself, an epoch or its admin, idle past `idleTimeout`), or `undefined`; `what` names the store method for a malformed epoch. */
export function refusalOf(record: LivenessFields, facts: RevocationFacts, now: number, idleTimeout: number, what: string): Refusal | undefined {
  // Every epoch is checked before any verdict: a malformed answer is a store error, never a refusal.
  const { impersonator } = facts;
  if (impersonator !== undefined) checkAllEpochs(impersonator.epochs, what);
  const own = ownRefusal(record, facts, now, what);
  if (own !== undefined) return own;
  if (record.kind === 'impersonation' || record.impersonatorId !== undefined) {
    // Epochs against epochs, never against `createdAt` (two servers' clocks); a row without them ends at any raise.
    const since = record.impersonatorEpochs ?? {};
    if (impersonator === undefined || impersonator.adminSessionRefusal !== undefined || Object.keys(impersonator.epochs).some((kind) => impersonator.epochs[kind]! > epochOf(since, kind, what))) return 'revoked';
  }
  return idleTimeout > 0 && now - record.lastUsedAt >= idleTimeout ? 'idle' : undefined;
}

/** The part of {@link refusalOf} a row's own facts decide (expiry, revocation, epochs); the cap and replacement count by this alone. */
export function ownRefusal(record: Omit<LivenessFields, 'lastUsedAt' | 'impersonatorId'>, facts: Pick<RevocationFacts, 'epochs' | 'tenantEpochs'>, now: number, what = 'store'): Exclude<Refusal, 'idle'> | undefined {
  const epoch = epochFor(record, facts, what);
  if (now >= record.expiresAt) return 'expired';
  if (record.revokedAt !== undefined) return record.revokedReason === TOKEN_REUSED ? 'reused' : 'revoked';
  if (record.createdAt <= epoch) return 'revoked';
  return undefined;
}

/** The epoch a session of this kind and tenant is judged against: its user's, or its tenant's when later; `what` names the store method for a malformed one. */
export function epochFor(session: Pick<SessionRecord, 'kind' | 'tenantId'>, facts: Pick<RevocationFacts, 'epochs' | 'tenantEpochs'>, what: string): number {
  const userEpoch = epochOf(facts.epochs, session.kind, what);
  return session.tenantId === undefined || facts.tenantEpochs === undefined ? userEpoch : Math.max(userEpoch, epochOf(facts.tenantEpochs, session.kind, what));
}

/** When a live row stops being live unless revoked first: its expiry, or sooner when it turns idle. */
export function liveUntil(record: Pick<SessionRecord, 'expiresAt' | 'lastUsedAt'>, idleTimeout: number): number {
  return idleTimeout > 0 ? Math.min(record.expiresAt, record.lastUsedAt + idleTimeout) : record.expiresAt;
}

