import { toSession, type ValidationResult } from '../session.js';
import { parseToken, secretMatches } from '../token.js';
import type { ManagerContext } from '../core/context.js';
import { judgeLookup, readSession } from '../core/live-session.js';

// The hot path: a token to a verdict, with one store read and a write only when the touch
// interval has passed.

// Failure results are shared frozen objects so a flood of junk tokens allocates nothing.
const REFUSED = {
  missing: Object.freeze({ ok: false, reason: 'missing' }),
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  not_found: Object.freeze({ ok: false, reason: 'not_found' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
  idle: Object.freeze({ ok: false, reason: 'idle' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
} as const satisfies Record<string, ValidationResult>;

/**
 * Builds `validate(token)` over the manager's shared context. Throws a `SessionError` on a
 * store failure or a malformed answer: an outage is never a verdict.
 */
export function createValidate(context: ManagerContext): (token: unknown) => Promise<ValidationResult> {
  const { store, config, calls, ensureOpen } = context;
  return async function validate(token: unknown): Promise<ValidationResult> {
    if (token === undefined || token === null || token === '') return REFUSED.missing;
    // The one place a presented token is split: the HTTP layer only checks its shape.
    const parsed = parseToken(token);
    if (parsed === undefined) return REFUSED.malformed;
    ensureOpen();
    const found = await readSession(context, parsed.id);
    if (found === null || !secretMatches(parsed.secret, found.session.secretHash)) return REFUSED.not_found;
    const now = config.clock();
    const refused = await judgeLookup(context, found, now);
    if (refused !== undefined) return REFUSED[refused];
    const session = toSession(found.session);
    // Reads stay reads: lastUsedAt is written at most once per touch interval.
    if (now - session.lastUsedAt < config.touchInterval || now <= session.lastUsedAt) return { ok: true, session };
    await calls.call('touch', () => store.touch(session.id, now));
    return { ok: true, session: { ...session, lastUsedAt: now } };
  };
}
