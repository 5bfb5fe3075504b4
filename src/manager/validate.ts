import { storeFailure } from '../errors.js';
import { answersNow, getNow, type AnswersNow } from '../get-now.js';
import { refusal, toSession, type Session, type ValidationResult } from '../session.js';
import { checkLookup, checkLookupNow, sessionEpoch } from '../store-answers.js';
import type { Epochs, SessionRecord, SessionStore } from '../store.js';
import { parseToken, secretMatches, secretMatchesText, type ParsedToken } from '../token.js';
import type { ManagerContext } from './context.js';

// The hot path on its own: a token to a verdict, with one store read and a write only when
// the touch interval has passed.

/** Validation of session tokens. */
export interface Validation {
  /** A token as the client sent it. */
  validate(token: unknown): Promise<ValidationResult>;
  /** A token already parsed; a value at once when the store answers at once. */
  validateParsed(parsed: ParsedToken): ValidationResult | Promise<ValidationResult>;
}

// Failure results are shared frozen objects so a flood of junk tokens allocates nothing.
const REFUSED = {
  missing: Object.freeze({ ok: false, reason: 'missing' }),
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  not_found: Object.freeze({ ok: false, reason: 'not_found' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
  idle: Object.freeze({ ok: false, reason: 'idle' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
} as const satisfies Record<string, ValidationResult>;

/** Marks a live session whose touch is due. */
const TOUCH_DUE = Symbol('touch due');

type LivenessFields = Pick<SessionRecord, 'kind' | 'tenantId' | 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'revokedAt'>;

/** Builds validation over the manager's shared context. */
export function createValidation(context: ManagerContext): Validation {
  const { store, config, calls, ensureOpen } = context;
  const { clock } = config;
  const idleTimeoutOf = (kind: string): number => config.kinds.get(kind)?.idleTimeout ?? 0;

  // Liveness of a found session whose secret matched: a refusal, TOUCH_DUE when the touch
  // interval has passed (a write), or undefined (live, a read only).
  const liveness = (record: LivenessFields, epochs: Epochs, tenantEpochs: Epochs | undefined, now: number): ValidationResult | typeof TOUCH_DUE | undefined => {
    const refused = refusal(record, sessionEpoch(record, epochs, tenantEpochs, 'get'), now, idleTimeoutOf(record.kind));
    if (refused !== undefined) return REFUSED[refused];
    if (now - record.lastUsedAt >= config.touchInterval && now > record.lastUsedAt) return TOUCH_DUE;
    return undefined;
  };

  const touched = async (session: Session, now: number): Promise<ValidationResult> => {
    await calls.call('touch', () => store.touch(session.id, now));
    return { ok: true, session: { ...session, lastUsedAt: now } };
  };

  // A store that answers at once (the memory store, see get-now.ts): no promise unless a touch
  // is due, so the HTTP layer can attach the session in the same tick.
  const validateNow = (store: SessionStore & AnswersNow, parsed: ParsedToken): ValidationResult | Promise<ValidationResult> => {
    let answer: unknown;
    try {
      answer = store[getNow](parsed.id);
    } catch (error) {
      throw storeFailure(error);
    }
    const found = checkLookupNow(answer, parsed.id);
    if (found === null || !secretMatchesText(parsed.secret, found.secretHash)) return REFUSED.not_found;
    const now = clock();
    const verdict = liveness(found.session, found.epochs, found.tenantEpochs, now);
    if (verdict === TOUCH_DUE) return touched(found.session, now);
    // The session is a fresh object of the store's: handed on without a copy.
    return verdict ?? { ok: true, session: found.session };
  };

  const validateFromStore = async (parsed: ParsedToken): Promise<ValidationResult> => {
    let answer: unknown;
    // Written out rather than through calls.call(): no closure and no extra promise per request.
    try {
      answer = await calls.within('get', store.get(parsed.id));
    } catch (error) {
      throw storeFailure(error);
    }
    const found = checkLookup(answer, parsed.id);
    if (found === null || !secretMatches(parsed.secret, found.session.secretHash)) return REFUSED.not_found;
    const now = clock();
    const verdict = liveness(found.session, found.epochs, found.tenantEpochs, now);
    if (verdict === TOUCH_DUE) return touched(toSession(found.session), now);
    return verdict ?? { ok: true, session: toSession(found.session) };
  };

  // The hot path: one store read, a write only when the touch interval has passed. Takes a
  // token that passed the shape check (the HTTP layer's, which already split it); answers at
  // once, without a promise, when the store does (see get-now.ts). Throws a SessionError on a
  // store failure or a malformed answer.
  const validateParsed = (parsed: ParsedToken): ValidationResult | Promise<ValidationResult> => {
    ensureOpen();
    return answersNow(store) ? validateNow(store, parsed) : validateFromStore(parsed);
  };

  const validate = async (token: unknown): Promise<ValidationResult> => {
    if (token === undefined || token === null || token === '') return REFUSED.missing;
    const parsed = parseToken(token);
    if (parsed === undefined) return REFUSED.malformed;
    return validateParsed(parsed);
  };

  return { validate, validateParsed };
}
