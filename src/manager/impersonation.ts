import { SessionError } from '../errors.js';
import { refusal } from '../session.js';
import { checkLookup, sessionEpoch } from '../store-answers.js';
import { isSessionId } from '../token.js';
import type { CreatedSession, ImpersonateOptions } from './api.js';
import type { ManagerContext } from './context.js';
import { checkId } from './input.js';
import type { Lifecycle } from './lifecycle.js';
import type { Session } from '../session.js';

const MAX_TTL = 24 * 60 * 60 * 1000;

/**
 * Support access: a session of kind `impersonation` for the user, carrying who acts. The
 * admin's session is read back from the store, so a forged or ended one starts nothing.
 */
export async function impersonate(
  context: ManagerContext,
  lifecycle: Lifecycle,
  adminSession: Pick<Session, 'id' | 'userId'>,
  userId: string,
  options: ImpersonateOptions = {},
): Promise<CreatedSession> {
  context.ensureOpen();
  checkId('userId', userId);
  const { store, calls, config } = context;
  const adminId = (adminSession as { id?: unknown } | null)?.id;
  if (!isSessionId(adminId)) throw new SessionError('UNAUTHENTICATED', 'impersonate() needs the admin\'s live session, as validate() returned it.');
  const found = checkLookup(await calls.call('get', () => store.get(adminId)), adminId);
  const now = config.clock();
  const admin = found?.session;
  if (
    admin === undefined ||
    admin.userId !== adminSession.userId ||
    refusal(admin, sessionEpoch(admin, found!.epochs, found!.tenantEpochs, 'get'), now, config.kinds.get(admin.kind)?.idleTimeout ?? 0) !== undefined
  ) {
    throw new SessionError('UNAUTHENTICATED', 'impersonate(): the admin session is not live.');
  }
  // Support access does not chain: an impersonated session cannot start another.
  if (admin.impersonatorId !== undefined) throw new SessionError('UNAUTHENTICATED', 'impersonate(): a support session cannot start another one.');
  const ttl = options.ttl;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1_000 || ttl > MAX_TTL)) {
    throw new SessionError('INVALID_INPUT', 'impersonate(): ttl must be a whole number of ms from 1,000 to 86,400,000 (a day).');
  }
  return lifecycle.create(
    // The admin acts inside their own organization unless told otherwise, so a tenant-wide
    // sign-out of it ends the support session too.
    { userId, kind: 'impersonation', tenantId: options.tenantId ?? admin.tenantId, userAgent: options.userAgent, ip: options.ip },
    { reason: 'impersonation', impersonatorId: admin.userId, maxAge: ttl },
  );
}
