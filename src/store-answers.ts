import { SessionError } from './errors.js';
import { isObject, isPlainObject } from './option-checks.js';
import type { ActivityRecord, Epochs, KeyState, SessionLookup, SessionRecord, TenantState, UserState } from './store.js';

// A malformed answer (an epoch not a number) could compare as "not revoked": a `STORE_ERROR`, never a session.
const malformed = (what: string, detail: string): SessionError =>
  new SessionError('STORE_ERROR', `The session store answered ${what}() with ${detail}; it is not taken for a session.`);

// Number.isFinite, as Number.isSafeInteger in checkVersion, never coerces: the cast only names the type it proves.
const isTime = Number.isFinite as (value: unknown) => value is number;

/** The epoch of one kind, 0 when never revoked; own keys only, so `constructor` is never inherited. */
export function epochOf(epochs: Epochs, kind: string, what: string): number {
  if (!Object.hasOwn(epochs, kind)) return 0;
  const epoch = epochs[kind];
  if (!isTime(epoch)) throw malformed(what, `an epoch of kind "${kind}" that is not a finite number`);
  return epoch;
}

// Not each value: epochOf checks the one it reads.
function checkEpochsShape(epochs: unknown, what: string): asserts epochs is Epochs {
  if (!isPlainObject(epochs)) throw malformed(what, 'epochs that are not a plain object');
}

/** Checks every value of an epochs object, for answers handed on as they are. */
export function checkAllEpochs(epochs: unknown, what: string): Epochs {
  checkEpochsShape(epochs, what);
  for (const kind of Object.keys(epochs)) epochOf(epochs as Epochs, kind, what);
  return epochs as Epochs;
}

/** Checks the fields of a record that liveness and identity are decided from. */
export function checkRecord(record: unknown, what: string): SessionRecord {
  if (!isObject(record)) throw malformed(what, 'a session that is not an object');
  const { id, userId, kind, createdAt, expiresAt, lastUsedAt, authenticatedAt, persistent } = record;
  if (typeof id !== 'string' || typeof userId !== 'string' || typeof kind !== 'string') throw malformed(what, 'a session whose id, userId or kind is not a string');
  for (const name of ['tenantId', 'impersonatorId', 'impersonatorSessionId']) if (record[name] !== undefined && typeof record[name] !== 'string') throw malformed(what, `a session whose ${name} is not a string`);
  if (!isTime(createdAt) || !isTime(expiresAt) || !isTime(lastUsedAt) || !isTime(authenticatedAt)) {
    throw malformed(what, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number');
  }
  if (persistent !== undefined && typeof persistent !== 'boolean') throw malformed(what, 'a session whose persistent is neither absent nor a boolean');
  for (const name of ['revokedAt', 'rotatedAt']) if (record[name] !== undefined && !isTime(record[name])) throw malformed(what, `a session whose ${name} is neither absent nor a finite number`);
  if (record['impersonatorEpochs'] !== undefined) checkAllEpochs(record['impersonatorEpochs'], what);
  for (const name of ['rotationSalt', 'retiredSecretHashes']) if (record[name] !== undefined && typeof record[name] !== 'string') throw malformed(what, `a session whose ${name} is neither absent nor text`);
  // Its successor secret cannot be derived: decided here once, not by each reader of the row.
  if (record['rotatedAt'] !== undefined && record['rotationSalt'] === undefined) throw malformed(what, 'a session rotated (rotatedAt) without its rotationSalt');
  const federated = record['federated'];
  if (federated !== undefined && (!isObject(federated) || typeof federated['iss'] !== 'string' || typeof federated['sub'] !== 'string' || (federated['sid'] !== undefined && typeof federated['sid'] !== 'string'))) {
    throw malformed(what, 'a session whose federated origin is not { iss, sub, sid? } of text');
  }
  if (!(record['secretHash'] instanceof Uint8Array && record['secretHash'].byteLength === 32)) throw malformed(what, 'a session whose secretHash is not 32 bytes');
  if (record['previousSecretHash'] !== undefined && !(record['previousSecretHash'] instanceof Uint8Array && record['previousSecretHash'].byteLength === 32)) throw malformed(what, 'a session whose previousSecretHash is not 32 bytes');
  return record as unknown as SessionRecord;
}

/** Checks the answer of `get(sessionId)`: `null`, or that very session and its user's epochs (each epoch is checked where read). */
export function checkLookup(found: unknown, sessionId: string): SessionLookup | null {
  if (found === null) return null;
  if (!isObject(found)) throw malformed('get', 'neither null nor an object');
  const { session, epochs, tenantEpochs } = found;
  if (checkRecord(session, 'get').id !== sessionId) throw malformed('get', 'another session than the one asked for');
  checkEpochsShape(epochs, 'get');
  if (tenantEpochs !== undefined) checkEpochsShape(tenantEpochs, 'get');
  return found as unknown as SessionLookup;
}

/** Checks the answer of `prune`: a count. */
export function checkCount(count: unknown, what: string): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Number.isInteger never coerces, the typeof only narrows the type.
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw malformed(what, 'a count that is not a whole number >= 0');
  return count;
}

/** Checks a yes/no answer (`touch`, `apply`). */
export function checkFlag(answer: unknown, what: string): boolean {
  if (typeof answer !== 'boolean') throw malformed(what, 'something that is not a boolean');
  return answer;
}

/** Checks a page of `listActivity`: at most `limit` entries, of that user or tenant, each older than `before`. */
export function checkActivity(answer: unknown, userId: string, tenantId: string | undefined, limit: number, before?: string): readonly ActivityRecord[] {
  if (!Array.isArray(answer)) throw malformed('listActivity', 'something that is not a list');
  if (answer.length > limit) throw malformed('listActivity', 'more entries than the limit');
  for (const entry of answer as unknown[]) {
    if (!isObject(entry)) throw malformed('listActivity', 'an entry that is not an object');
    const owned = entry['userId'] === userId || (entry['userId'] === undefined && tenantId !== undefined && entry['tenantId'] === tenantId);
    if (!owned) throw malformed('listActivity', "another user's entry");
    if (typeof entry['id'] !== 'string' || typeof entry['type'] !== 'string' || typeof entry['reason'] !== 'string' || !isTime(entry['at'])) {
      throw malformed('listActivity', 'an entry without a text id, type and reason and a finite time');
    }
    // A page read again would be answered again: every caller paging on would never end.
    if (before !== undefined && !(entry['id'] < before)) throw malformed('listActivity', 'an entry not older than `before`');
  }
  return answer as readonly ActivityRecord[];
}

function checkTimes(times: unknown, what: string, field: string): Readonly<Record<string, number>> {
  if (!isPlainObject(times)) throw malformed(what, `${field} that are not a plain object`);
  for (const key of Object.keys(times)) if (!isTime(times[key])) throw malformed(what, `${field} holding a time that is not a finite number`);
  return times as Readonly<Record<string, number>>;
}

function checkVersion(answer: Record<string, unknown>, what: string): void {
  const { version } = answer;
  if (!Number.isSafeInteger(version) || (version as number) < 0) throw malformed(what, 'a version that is not a whole number >= 0');
}

/** Checks the answer of `readUser(userId, tenantId, sessionId)`: that user's rows only, each once (with a `sessionId`, that one alone), and every time a finite number. */
export function checkUserState(answer: unknown, userId: string, sessionId?: string | null): UserState {
  if (!isObject(answer) || !Array.isArray(answer['sessions'])) throw malformed('readUser', 'no list of sessions');
  checkVersion(answer, 'readUser');
  const ids = new Set<string>();
  for (const record of answer['sessions'] as unknown[]) {
    const { id, userId: owner } = checkRecord(record, 'readUser');
    if (owner !== userId) throw malformed('readUser', "another user's session");
    // A row counted twice would fill the cap; another than the one asked for would read as that one ended.
    if (ids.has(id)) throw malformed('readUser', 'a session twice');
    if (typeof sessionId === 'string' && id !== sessionId) throw malformed('readUser', 'another session than the one asked for');
    ids.add(id);
  }
  checkAllEpochs(answer['epochs'], 'readUser');
  checkAllEpochs(answer['highWater'], 'readUser');
  const tenants = answer['tenantEpochs'];
  if (!isPlainObject(tenants)) throw malformed('readUser', 'tenant epochs that are not a plain object');
  for (const tenantId of Object.keys(tenants)) checkAllEpochs(tenants[tenantId], 'readUser');
  checkTimes(answer['denied'], 'readUser', 'deny-list entries');
  checkTimes(answer['devices'], 'readUser', 'devices');
  return answer as unknown as UserState;
}

/** Checks the answer of `readTenant`. */
export function checkTenantState(answer: unknown): TenantState {
  if (!isObject(answer)) throw malformed('readTenant', 'something that is not an object');
  checkVersion(answer, 'readTenant');
  checkAllEpochs(answer['epochs'], 'readTenant');
  checkAllEpochs(answer['highWater'], 'readTenant');
  return answer as unknown as TenantState;
}

/** Checks the answer of `readKey`: a version, and a text value with a finite expiry, or neither. */
export function checkKeyState(answer: unknown): KeyState {
  if (!isObject(answer)) throw malformed('readKey', 'something that is not an object');
  checkVersion(answer, 'readKey');
  const { value, expiresAt } = answer;
  if (value === undefined && expiresAt === undefined) return answer as unknown as KeyState;
  if (typeof value !== 'string' || !isTime(expiresAt)) throw malformed('readKey', 'a key without a text value and a finite expiry');
  return answer as unknown as KeyState;
}
