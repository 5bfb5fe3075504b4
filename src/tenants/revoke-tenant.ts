import { entryFor } from '../activity/activity.js';
import type { RevokeTenantResult, RevokeTenantSessionsOptions } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { checkActor, checkId, kindsOf } from '../core/checks.js';

/** Tenant-wide sign-out: one epoch per kind, which every validation reads with the session. */
export async function revokeTenant(context: ManagerContext, tenantId: string, options: RevokeTenantSessionsOptions = {}): Promise<RevokeTenantResult> {
  context.ensureOpen();
  checkId('tenantId', tenantId);
  checkActor(options);
  const { store, calls, config, hub } = context;
  const kinds = kindsOf(options.kinds, config);
  const at = config.clock();
  const reason = options.reason ?? 'admin';
  const activity = entryFor(context, { tenantId, type: 'tenant.sessions_invalidated', at, reason, by: options.by });
  const raise = { kinds, everyStoredKind: options.kinds === 'all', at };
  await calls.call('revokeTenant', (due) => store.revokeTenant(tenantId, { ...raise, activity }, due));
  // Raised once more for a sign-in stored before the first raise (its batch holds the user's version). Only the second raise ends
  // such a sign-in, so its failure is thrown (raising again is safe): the call never answers done while one may be live.
  const epochs = await calls.call('revokeTenant', (due) => store.revokeTenant(tenantId, raise, due)).finally(() => context.afterTenantRevocation(tenantId));
  hub.emit({ type: 'tenant.sessions_invalidated', at, tenantId, reason, by: options.by, kinds });
  return { epochs };
}
