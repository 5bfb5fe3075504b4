import { isPrintableText } from '../../core/checks.js';
import { isObject } from '../../option-checks.js';
import { FEDERATED_LIMITS } from '../../store-records.js';
import type { GlobalTokenRevocationSubject } from './api.js';

/** RFC 5321's longest address. */
const EMAIL_LENGTH = 320;

/** The subject of a body `{ sub_id }` (or `{ subject }`, which Okta still sends; never both) in the `email` or `iss_sub` format, else `undefined` (`400`). */
export function readSubjectId(body: unknown): GlobalTokenRevocationSubject | undefined {
  if (!isObject(body)) return undefined;
  if (Object.hasOwn(body, 'sub_id') && Object.hasOwn(body, 'subject')) return undefined;
  const subject = Object.hasOwn(body, 'sub_id') ? body['sub_id'] : body['subject'];
  if (!isObject(subject)) return undefined;
  const { format, email, iss, sub } = subject;
  if (format === 'email') return isPrintableText(email, EMAIL_LENGTH) ? { format, email } : undefined;
  if (format === 'iss_sub') return isPrintableText(iss, FEDERATED_LIMITS.issLength) && isPrintableText(sub, FEDERATED_LIMITS.subLength) ? { format, iss, sub } : undefined;
  return undefined;
}
