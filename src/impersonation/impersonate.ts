import { SessionError } from '../errors.js';
import { isSessionId } from '../token.js';
import type { CreatedSession } from '../core/shapes.js';
import type { ImpersonateOptions } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { checkId } from '../core/checks.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { judgeLookup, storedSessionOf } from '../core/live-session.js';
import type { Session } from '../session.js';
import { isWholeNumber } from '../option-checks.js';

const MAX_TTL = 24 * 60 * 60 * 1000;

/** The admin's session is read back from the store, so a forged or ended one starts nothing. */
export async function impersonate(context: ManagerContext, lifecycle: Lifecycle, adminSession: Pick<Session, 'id' | 'userId'>, userId: string, options: ImpersonateOptions = {}): Promise<CreatedSession> {
  context.ensureOpen();
  checkId('userId', userId);
  // Options are checked before anything is read: a tenant given as null must not fall back to the admin's, nor a bad ttl wait on the store.
  if (options.tenantId !== undefined) checkId('tenantId', options.tenantId);
  const ttl = options.ttl;
  if (ttl !== undefined && !isWholeNumber(ttl, 1_000, MAX_TTL)) {
    throw new SessionError('INVALID_INPUT', 'impersonate(): ttl must be a whole number of ms from 1,000 to 86,400,000 (a day).');
  }
  const adminId = (adminSession as { id?: unknown } | null)?.id;
  if (!isSessionId(adminId)) throw new SessionError('UNAUTHENTICATED', 'impersonate() needs the admin\'s live session, as validate() returned it.');
  const found = await storedSessionOf(context, adminSession.userId, adminId);
  if (found === undefined || (await judgeLookup(context, found, context.config.clock())) !== undefined) throw new SessionError('UNAUTHENTICATED', 'impersonate(): the admin session is not live.');
  const admin = found.session;
  // Support access does not chain: an impersonated session cannot start another.
  if (admin.impersonatorId !== undefined) throw new SessionError('UNAUTHENTICATED', 'impersonate(): a support session cannot start another one.');
  // Never longer than the admin's session: its expiry publishes no notice.
  const maxAge = Math.min(ttl ?? context.config.kinds.get('impersonation')!.maxAge, admin.expiresAt - context.config.clock());
  return lifecycle.create(
    // So a tenant-wide sign-out of the admin's organization ends it too.
    { userId, kind: 'impersonation', tenantId: options.tenantId ?? admin.tenantId, userAgent: options.userAgent, ip: options.ip },
    // Proved by nobody: 0, so no check of authenticatedAt alone can find it fresh.
    { reason: 'impersonation', impersonatorId: admin.userId, impersonatorSessionId: admin.id, impersonatorEpochs: found.epochs, maxAge, authenticatedAt: 0 },
  );
}
