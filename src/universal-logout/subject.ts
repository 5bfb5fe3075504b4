import { isFederatedText } from '../federated/input.js';
import { FEDERATED_LIMITS } from '../store-records.js';
import type { GlobalTokenRevocationSubject } from './api.js';

// The request body of the draft's section 3.2: `{ "sub_id": <subject identifier> }`, of which
// this endpoint takes the two formats a provider can name a user of another app by. Drafts
// before -03 named the member `subject`, and Okta's Universal Logout still sends that one.

/** RFC 5321's longest address. */
const EMAIL_LENGTH = 320;

/**
 * The subject a request body names, or `undefined` for a body that is not `{ sub_id }` (or the
 * earlier drafts' `{ subject }`, never both) with an `email` subject (`email`) or an `iss_sub`
 * subject (`iss`, `sub`): malformed, or a format this endpoint does not take (`400`, as the
 * draft says).
 */
export function readSubjectId(body: unknown): GlobalTokenRevocationSubject | undefined {
  if (!isObject(body)) return undefined;
  if (Object.hasOwn(body, 'sub_id') && Object.hasOwn(body, 'subject')) return undefined;
  const subject = Object.hasOwn(body, 'sub_id') ? body['sub_id'] : body['subject'];
  if (!isObject(subject)) return undefined;
  const { format, email, iss, sub } = subject;
  if (format === 'email') return isFederatedText(email, EMAIL_LENGTH) ? { format, email } : undefined;
  if (format === 'iss_sub') return isFederatedText(iss, FEDERATED_LIMITS.issLength) && isFederatedText(sub, FEDERATED_LIMITS.subLength) ? { format, iss, sub } : undefined;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
