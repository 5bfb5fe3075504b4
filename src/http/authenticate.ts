import type { AccessTokenClaims, AccessTokenFailureReason } from '../access-tokens/index.js';
import { isSessionError } from '../errors.js';
import type { SessionManager } from '../manager/api.js';
import type { Session, ValidationFailureReason } from '../session.js';
import type { Credential } from './credentials.js';
import { report } from './report.js';

/** The outcome of checking a request's credential. */
export type Authentication =
  | { readonly status: 'authenticated'; readonly session: Session | null; readonly claims: AccessTokenClaims | null; readonly rotatedToken?: string | undefined }
  | { readonly status: 'anonymous'; readonly reason: ValidationFailureReason | AccessTokenFailureReason }
  | { readonly status: 'unavailable'; readonly error: unknown };

const MISSING: Authentication = { status: 'anonymous', reason: 'missing' };
const MALFORMED: Authentication = { status: 'anonymous', reason: 'malformed' };

/** Checks a credential; any error is `unavailable`, never anonymous nor authenticated (fail closed); a misconfiguration is thrown. */
export async function authenticate(manager: SessionManager, credential: Credential, onError: ((error: unknown) => void) | undefined): Promise<Authentication> {
  if (credential.from === 'none') return MISSING;
  if (credential.value === undefined) return MALFORMED;
  try {
    if (credential.type === 'access') {
      const verified = await manager.verifyAccessToken(credential.value);
      return verified.ok ? { status: 'authenticated', session: null, claims: verified.claims } : { status: 'anonymous', reason: verified.reason };
    }
    const validated = await manager.validate(credential.value);
    if (!validated.ok) return { status: 'anonymous', reason: validated.reason };
    return { status: 'authenticated', session: validated.session, claims: null, rotatedToken: validated.rotatedToken };
  } catch (error) {
    if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') throw error;
    report(onError, error);
    return { status: 'unavailable', error };
  }
}
