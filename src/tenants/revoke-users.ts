import { invalidInput, isSessionError, SessionError } from '../errors.js';
import type { RevokeAllSessionsOptions } from '../core/shapes.js';
import type { RevokeUserOutcome } from './api.js';
import { checkActor, checkId, kindsOf } from '../core/checks.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { ResolvedOptions } from '../options.js';

// Enough to overlap round trips, few enough not to flood the store.
const IN_FLIGHT = 16;
/** The most users one `revokeUsers` call takes: a bigger list is the caller's loop to page. */
const MAX_BULK_USERS = 10_000;

/** Signs many users out as `revokeAll` does, `IN_FLIGHT` at once; one user's failure is that user's result. */
export async function revokeUsers(lifecycle: Lifecycle, config: ResolvedOptions, userIds: unknown, options: RevokeAllSessionsOptions = {}): Promise<RevokeUserOutcome[]> {
  if (!Array.isArray(userIds) || userIds.length > MAX_BULK_USERS) throw invalidInput(`userIds must be a list of at most ${MAX_BULK_USERS} user ids.`);
  (userIds as unknown[]).forEach((userId, index) => checkId(`userIds[${index}]`, userId));
  const unique = [...new Set(userIds as unknown[])];
  checkActor(options);
  kindsOf(options.kinds, config);
  const outcomes: RevokeUserOutcome[] = [];
  for (let start = 0; start < unique.length; start += IN_FLIGHT) {
    const batch = (unique.slice(start, start + IN_FLIGHT) as string[]).map(async (userId): Promise<RevokeUserOutcome> => {
      try {
        return { userId, ok: true, epochs: (await lifecycle.revokeAll(userId, options, 'only')).epochs };
      } catch (error) {
        // Bad options fail every user alike: that is the caller's error, not a result.
        if (isSessionError(error) && error.code === 'INVALID_INPUT') throw error;
        return { userId, ok: false, error: isSessionError(error) ? error : new SessionError('STORE_ERROR', String(error), { cause: error }) };
      }
    });
    outcomes.push(...(await Promise.all(batch)));
  }
  return outcomes;
}
