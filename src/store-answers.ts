import { SessionError } from './errors.js';
import type { ActivityRecord, CreateResult, Epochs, RevocationLinkRecord, RevocationState, SessionLookup, SessionRecord, UserSessions } from './store.js';

// A malformed store answer (an epoch not a number, a missing `expiresAt`) would compare as "not
// revoked" and let a dead session in: it is a `STORE_ERROR`, never a session.

function malformed(what: string, detail: string): SessionError {
  return new SessionError('STORE_ERROR', `The session store answered ${what}() with ${detail}; it is not taken for a session.`);
}

function isTime(value: unknown): value is number {
  // Stryker disable next-line ConditionalExpression: Number.isFinite never coerces, the typeof only narrows the type.
  return typeof value === 'number' && Number.isFinite(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The epoch of one kind, 0 when never revoked; own keys only, so `constructor` is never inherited. */
export function epochOf(epochs: Epochs, kind: string, what: string): number {
  if (!Object.hasOwn(epochs, kind)) return 0;
  const epoch = epochs[kind];
  if (!isTime(epoch)) throw malformed(what, `an epoch of kind "${kind}" that is not a finite number`);
  return epoch;
}

/** Checks a user's epochs object (not each value: {@link epochOf} checks the one it reads). */
export function checkEpochs(epochs: unknown, what: string): Epochs {
  if (!isObject(epochs)) throw malformed(what, 'epochs that are not an object');
  return epochs as Epochs;
}

/** Checks every value of an epochs object, for answers handed to the caller as they are. */
export function checkAllEpochs(epochs: unknown, what: string): Epochs {
  const checked = checkEpochs(epochs, what);
  for (const kind of Object.keys(checked)) epochOf(checked, kind, what);
  return checked;
}

/** Checks the fields of a record that liveness and identity are decided from. */
export function checkRecord(record: unknown, what: string): SessionRecord {
  const checked = checkSessionFields(record, what);
  if (!(checked['secretHash'] instanceof Uint8Array)) throw malformed(what, 'a session whose secretHash is not bytes');
  return checked as unknown as SessionRecord;
}

// The hash is left out: bytes in a record, text in a synchronous answer.
function checkSessionFields(record: unknown, what: string): Record<string, unknown> {
  if (!isObject(record)) throw malformed(what, 'a session that is not an object');
  const { id, userId, kind, tenantId, createdAt, expiresAt, lastUsedAt, authenticatedAt, revokedAt, persistent } = record;
  if (typeof id !== 'string' || typeof userId !== 'string' || typeof kind !== 'string') {
    throw malformed(what, 'a session whose id, userId or kind is not a string');
  }
  if (tenantId !== undefined && typeof tenantId !== 'string') throw malformed(what, 'a session whose tenantId is not a string');
  if (!isTime(createdAt) || !isTime(expiresAt) || !isTime(lastUsedAt) || !isTime(authenticatedAt)) {
    throw malformed(what, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number');
  }
  if (persistent !== undefined && typeof persistent !== 'boolean') throw malformed(what, 'a session whose persistent is neither absent nor a boolean');
  if (record['impersonatorId'] !== undefined && typeof record['impersonatorId'] !== 'string') throw malformed(what, 'a session whose impersonatorId is not a string');
  if (record['impersonatorSessionId'] !== undefined && typeof record['impersonatorSessionId'] !== 'string') throw malformed(what, 'a session whose impersonatorSessionId is not a string');
  if (revokedAt !== undefined && !isTime(revokedAt)) throw malformed(what, 'a session whose revokedAt is neither absent nor a finite number');
  return record;
}

/** Checks the answer of `get(sessionId)`: `null`, or that very session and its user's epochs. */
export function checkLookup(found: unknown, sessionId: string): SessionLookup | null {
  if (found === null) return null;
  if (!isObject(found)) throw malformed('get', 'neither null nor an object');
  const session = checkRecord(found['session'], 'get');
  if (session.id !== sessionId) throw malformed('get', 'another session than the one asked for');
  checkEpochs(found['epochs'], 'get');
  if (found['tenantEpochs'] !== undefined) checkEpochs(found['tenantEpochs'], 'get');
  return found as unknown as SessionLookup;
}

/** Checks the answer of `listByUser(userId)`: that user's rows only, and the epochs. */
export function checkUserSessions(answer: unknown, userId: string): UserSessions {
  if (!isObject(answer) || !Array.isArray(answer['sessions'])) throw malformed('listByUser', 'no list of sessions');
  for (const record of answer['sessions'] as unknown[]) {
    if (checkRecord(record, 'listByUser').userId !== userId) throw malformed('listByUser', "another user's session");
  }
  checkEpochs(answer['epochs'], 'listByUser');
  const tenants = answer['tenantEpochs'];
  if (tenants !== undefined) {
    if (!isObject(tenants)) throw malformed('listByUser', 'tenant epochs that are not an object');
    for (const tenantId of Object.keys(tenants)) checkEpochs(tenants[tenantId], 'listByUser');
  }
  return answer as unknown as UserSessions;
}

// What a stored session must keep of the record it was created from, besides its id and user.
const IDENTITY_FIELDS = ['kind', 'tenantId', 'impersonatorId', 'impersonatorSessionId'] as const;

/** The fields of a new record that {@link checkCreated} compares with the store's answer. */
export type CreatedIdentity = Pick<SessionRecord, 'id' | 'userId' | (typeof IDENTITY_FIELDS)[number]>;

/**
 * Checks the answer of `create(record)`: that identity kept (a support session must not pass
 * for the user's own), and with a cap the evicted ids (without them the cap was not enforced).
 */
export function checkCreated(answer: unknown, record: CreatedIdentity, limited: boolean): Required<CreateResult> {
  if (!isObject(answer)) throw malformed('create', 'something that is not an object');
  const session = checkRecord(answer['session'], 'create');
  if (session.id !== record.id || session.userId !== record.userId) throw malformed('create', 'another session than the one created');
  for (const field of IDENTITY_FIELDS) {
    if (session[field] !== record[field]) throw malformed('create', `a session whose ${field} is not the one created`);
  }
  const replacedIds = checkIds(answer['replacedIds'], 'create');
  const evicted = answer['evictedIds'];
  if (evicted === undefined && limited) throw malformed('create', 'no evictedIds though a session limit was asked for (the store does not enforce maxSessions)');
  const evictedIds = evicted === undefined ? [] : checkIds(evicted, 'create');
  return { session, replacedIds, evictedIds };
}

/** Checks the answer of `revoke(sessionId)`: `null`, or the record as it was. */
export function checkRevoked(answer: unknown): SessionRecord | null {
  if (answer === null) return null;
  return checkRecord(answer, 'revoke');
}

/** Checks a list of session ids (`revokeOthers`, `replacedIds`). */
export function checkIds(ids: unknown, what: string): readonly string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw malformed(what, 'session ids that are not a list of strings');
  return ids as readonly string[];
}

/** Checks the answer of `revokeAll`: an epoch for every kind raised. */
export function checkRaisedEpochs(epochs: unknown, kinds: readonly string[], what = 'revokeAll'): Epochs {
  const checked = checkAllEpochs(epochs, what);
  for (const kind of kinds) if (!Object.hasOwn(checked, kind)) throw malformed(what, `no epoch for kind "${kind}"`);
  return checked;
}

/** Checks the answer of `getRevocationState`: epochs and a deny-list of finite times. */
export function checkRevocationState(state: unknown): RevocationState {
  if (!isObject(state)) throw malformed('getRevocationState', 'something that is not an object');
  checkAllEpochs(state['epochs'], 'getRevocationState');
  const denied = state['denied'];
  if (!isObject(denied)) throw malformed('getRevocationState', 'a deny-list that is not an object');
  for (const id of Object.keys(denied)) {
    if (!isTime(denied[id])) throw malformed('getRevocationState', 'a deny-list time that is not a finite number');
  }
  if (state['tenantEpochs'] !== undefined) checkAllEpochs(state['tenantEpochs'], 'getRevocationState');
  return state as unknown as RevocationState;
}

/** Checks the answer of `prune`: a count. */
export function checkCount(count: unknown, what: string): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Number.isInteger never coerces, the typeof only narrows the type.
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw malformed(what, 'a count that is not a whole number >= 0');
  return count;
}

/** Checks a yes/no answer (`reauthenticate`). */
export function checkFlag(answer: unknown, what: string): boolean {
  if (typeof answer !== 'boolean') throw malformed(what, 'something that is not a boolean');
  return answer;
}

/** Checks a page of `listActivity`: at most `limit` entries, of that user or tenant. */
export function checkActivity(answer: unknown, userId: string, tenantId: string | undefined, limit: number): readonly ActivityRecord[] {
  if (!Array.isArray(answer)) throw malformed('listActivity', 'something that is not a list');
  if (answer.length > limit) throw malformed('listActivity', 'more entries than the limit');
  for (const entry of answer as unknown[]) {
    if (!isObject(entry)) throw malformed('listActivity', 'an entry that is not an object');
    const owned = entry['userId'] === userId || (entry['userId'] === undefined && tenantId !== undefined && entry['tenantId'] === tenantId);
    if (!owned) throw malformed('listActivity', "another user's entry");
    if (typeof entry['id'] !== 'string' || typeof entry['type'] !== 'string' || typeof entry['reason'] !== 'string' || !isTime(entry['at'])) {
      throw malformed('listActivity', 'an entry without a text id, type and reason and a finite time');
    }
  }
  return answer as readonly ActivityRecord[];
}

/** Checks the answer of `consumeRevocationLink(id)`: `null`, or that link. */
export function checkLink(answer: unknown, id: string): RevocationLinkRecord | null {
  if (answer === null) return null;
  if (!isObject(answer) || answer['id'] !== id) throw malformed('consumeRevocationLink', 'another link than the one asked for');
  if (typeof answer['userId'] !== 'string' || typeof answer['sessionId'] !== 'string' || !isTime(answer['expiresAt'])) {
    throw malformed('consumeRevocationLink', 'a link without a text userId and sessionId and a finite expiry');
  }
  // A device key that is not text would match no session, yet claim the device was found.
  for (const field of ['deviceKey', 'tenantId']) {
    if (answer[field] !== undefined && typeof answer[field] !== 'string') throw malformed('consumeRevocationLink', 'a link whose deviceKey or tenantId is neither absent nor text');
  }
  return answer as unknown as RevocationLinkRecord;
}

/** Checks the answer of `rememberDevice`: `null` or a finite time. */
export function checkSighting(answer: unknown): number | null {
  if (answer === null) return null;
  if (!isTime(answer)) throw malformed('rememberDevice', 'a last-seen time that is neither null nor a finite number');
  return answer;
}
