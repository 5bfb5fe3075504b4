import type { ValidationResult } from '../session.js';
import type { ParsedToken } from '../token.js';
import type { SessionManager } from './api.js';

// Internal, not exported from the package: the HTTP layer has already split the request's
// token when it picked it out of the Cookie header, and a memory-store validation has its
// answer at once. This entry takes the parsed token and returns the answer itself when the
// store gave it at once (a promise otherwise), so a request pays for one shape check and no
// promise it does not need. A manager of another copy of the package has no such key: the
// HTTP layer then calls `validate()`.

/** The manager's internal entry, keyed by a symbol so it is no part of the public API. */
export const validateParsed: unique symbol = Symbol('session-revocation validateParsed');

/** A manager with the internal entry. */
export interface ValidatesParsed {
  [validateParsed](parsed: ParsedToken): ValidationResult | Promise<ValidationResult>;
}

/** Whether `manager` has the internal entry (it was made by this copy of the package). */
export function validatesParsed(manager: SessionManager): manager is SessionManager & ValidatesParsed {
  return typeof (manager as Partial<ValidatesParsed>)[validateParsed] === 'function';
}
