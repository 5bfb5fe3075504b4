import { isPrintableText } from '../core/checks.js';
import { invalidInput } from '../errors.js';
import { FEDERATED_LIMITS, type FederatedIdentity } from '../store-records.js';

/** Checks `federated` given to `create`/`signIn`, and answers a copy with only its three fields. */
export function checkFederated(value: unknown): FederatedIdentity {
  if (typeof value !== 'object' || value === null) throw invalidInput('federated must be an object { iss, sub, sid? }.');
  const { iss, sub, sid } = value as Record<string, unknown>;
  const unknown = Object.keys(value).find((key) => key !== 'iss' && key !== 'sub' && key !== 'sid');
  if (unknown !== undefined) throw invalidInput(`federated has an unknown field "${unknown}": only iss, sub and sid.`);
  if (!isPrintableText(iss, FEDERATED_LIMITS.issLength)) throw invalidInput(`federated.iss must be a non-empty string of at most ${FEDERATED_LIMITS.issLength} characters.`);
  if (!isPrintableText(sub, FEDERATED_LIMITS.subLength)) throw invalidInput(`federated.sub must be a non-empty string of at most ${FEDERATED_LIMITS.subLength} characters.`);
  if (sid !== undefined && !isPrintableText(sid, FEDERATED_LIMITS.idLength)) throw invalidInput(`federated.sid must be a non-empty string of at most ${FEDERATED_LIMITS.idLength} characters.`);
  return sid === undefined ? { iss, sub } : { iss, sub, sid };
}
