import { invalidInput } from '../errors.js';
import { isObject } from '../option-checks.js';
import { toSession, type ValidationResult } from '../session.js';
import { hashSecret, parseToken, sameHash } from '../token.js';
import type { ManagerContext } from '../core/context.js';
import type { ValidateOptions } from '../core/shapes.js';
import { idleTimeoutOf, judgeLookup, readSession } from '../core/live-session.js';
import { matchSecret, rotates, rotationDue } from '../rotation/index.js';
import { endReused, graceOf, rotateSecret, successorToken } from './rotation.js';

// Shared frozen refusals: a flood of junk tokens allocates nothing.
const REFUSED = {
  missing: Object.freeze({ ok: false, reason: 'missing' }),
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  not_found: Object.freeze({ ok: false, reason: 'not_found' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
  idle: Object.freeze({ ok: false, reason: 'idle' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
  reused: Object.freeze({ ok: false, reason: 'reused' }),
} as const satisfies Record<string, ValidationResult>;

const OPTION_KEYS: readonly string[] = ['bearer', 'touch', 'rotate'];

/** Builds `validate(token)`; a store failure or malformed answer throws: an outage is never a verdict. */
export function createValidate(context: ManagerContext): (token: unknown, options?: ValidateOptions) => Promise<ValidationResult> {
  const { store, config, calls, ensureOpen } = context;
  return async function validate(token, options) {
    if (options !== undefined && (!isObject(options) || Object.keys(options).some((key) => !OPTION_KEYS.includes(key)) || OPTION_KEYS.some((key) => !['undefined', 'boolean'].includes(typeof options[key as keyof ValidateOptions])))) {
      throw invalidInput('validate() options must be { bearer?: boolean, touch?: boolean, rotate?: boolean }.');
    }
    if (token === undefined || token === null || token === '') return REFUSED.missing;
    // The one place a presented token is split: the HTTP layer only checks its shape.
    const parsed = parseToken(token);
    if (parsed === undefined) return REFUSED.malformed;
    ensureOpen();
    const found = await readSession(context, parsed.id);
    if (found === null) return REFUSED.not_found;
    const now = config.clock();
    let record = found.session;
    const rotationGrace = graceOf(context, record.kind);
    const match = matchSecret(parsed.secret, record, rotationGrace, now);
    if (match === 'wrong') return REFUSED.not_found;
    const refused = await judgeLookup(context, found, now);
    if (refused !== undefined) return REFUSED[refused];
    let rotatedToken: string | undefined;
    if (match === 'reused') {
      await endReused(context, record, parsed.secret, { rotationGrace }, now);
      return REFUSED.reused;
    }
    if (options?.bearer === true && rotates(config.kinds.get(record.kind))) return REFUSED.not_found;
    if (match === 'previous') {
      // Inside the grace: the same successor every other presentation got, computed, not stored.
      rotatedToken = successorToken(record, parsed.secret);
      if (!sameHash(hashSecret(rotatedToken.slice(record.id.length + 1)), record.secretHash)) return REFUSED.not_found;
    } else if (options?.touch !== false && options?.rotate !== false && rotationDue(record, config.kinds.get(record.kind), now)) {
      const rotated = await rotateSecret(context, record, parsed.secret, now);
      if (rotated === undefined) return REFUSED.revoked;
      ({ token: rotatedToken, session: record } = rotated);
    }
    // Reads stay reads: lastUsedAt is written at most once per touch interval, and twice per idle timeout, so use keeps a session alive.
    let lastUsedAt = record.lastUsedAt;
    const idle = idleTimeoutOf(config, record.kind);
    if (options?.touch !== false && now - lastUsedAt >= (idle > 0 ? Math.min(config.touchInterval, idle / 2) : config.touchInterval) && now > lastUsedAt) {
      // No live row to touch: revoked or erased since the read, so this request is refused too.
      if (!(await calls.call('touch', () => store.touch(record.id, now)))) return REFUSED.revoked;
      lastUsedAt = now;
    }
    const session = toSession(record, lastUsedAt);
    return rotatedToken === undefined ? { ok: true, session } : { ok: true, session, rotatedToken };
  };
}
