import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  checkActivity,
  checkAllEpochs,
  checkCount,
  checkFlag,
  checkKeyState,
  checkLookup,
  checkRecord,
  checkTenantState,
  checkUserState,
  epochOf,
} from '../../src/store-answers.js';
import { refusalOf } from '../../src/liveness.js';
import type { SessionRecord } from '../../src/store.js';

// A user's state as readUser answers it: the fields not named are empty.
const userState = (fields: Record<string, unknown> = {}) => ({ version: 0, sessions: [], epochs: {}, highWater: {}, tenantEpochs: {}, denied: {}, devices: {}, ...fields });

const record: SessionRecord = {
  id: 'AbCdEfGhIjKlMnOpQrSt-_',
  userId: 'alice',
  kind: 'browser',
  secretHash: new Uint8Array(32),
  createdAt: 1_000,
  expiresAt: 2_000,
  lastUsedAt: 1_500,
  authenticatedAt: 1_000,
};

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'accepted';
}

describe('what the manager accepts from a store', () => {
  it('a well-formed answer passes through as it is', () => {
    const lookup = { session: record, epochs: { browser: 5 } };
    expect(checkLookup(lookup, record.id)).toBe(lookup);
    expect(checkLookup(null, record.id)).toBeNull();
    expect(checkRecord({ ...record, revokedAt: 1_200, tenantId: 'acme' }, 'get')).toEqual({ ...record, revokedAt: 1_200, tenantId: 'acme' });
    const listed = userState({ version: 3, sessions: [record], epochs: { api: 1 }, denied: { [record.id]: 9 }, devices: { h: 5 } });
    expect(checkUserState(listed, 'alice')).toBe(listed);
    expect(checkRecord({ ...record, persistent: false }, 'get').persistent).toBe(false);
    const tenant = { version: 0, epochs: { browser: 3 }, highWater: { browser: 2 } };
    expect(checkTenantState(tenant)).toBe(tenant);
    expect(checkKeyState({ version: 0 })).toEqual({ version: 0 });
    expect(checkKeyState({ version: 4, value: '', expiresAt: 0 })).toEqual({ version: 4, value: '', expiresAt: 0 });
    expect(checkFlag(true, 'apply')).toBe(true);
    expect(checkFlag(false, 'apply')).toBe(false);
    expect(checkCount(0, 'prune')).toBe(0);
    expect(checkCount(7, 'prune')).toBe(7);
    expect(checkAllEpochs({}, 'get')).toEqual({});
    // Plain objects without a prototype, or made in another realm (a copy made under a test runner's vm), are plain too.
    for (const epochs of [Object.assign(Object.create(null), { browser: 5 }), runInNewContext('({ browser: 5 })')]) expect(checkLookup({ session: record, epochs }, record.id)?.epochs).toBe(epochs);
  });

  it('a row with every optional field well formed passes through as it is', () => {
    const full = {
      ...record,
      impersonatorId: 'root',
      impersonatorSessionId: 'ZyXwVuTsRqPoNmLkJiHgF_',
      rotatedAt: 1_100,
      rotationSalt: 'c2FsdC1vZi10aGUtcm90YXRpb24',
      retiredSecretHashes: 'B'.repeat(43),
      previousSecretHash: new Uint8Array(32),
      federated: { iss: 'https://idp.example', sub: 'u-1', sid: 'idp-session' },
    };
    expect(checkRecord(full, 'get')).toBe(full);
    const withoutSid = { ...record, federated: { iss: 'https://idp.example', sub: 'u-1' } };
    expect(checkRecord(withoutSid, 'get')).toBe(withoutSid);
  });

  it('an epoch is read from the object itself: never inherited, 0 when absent, a store error when not a number', () => {
    expect(epochOf({}, 'browser', 'get')).toBe(0);
    expect(epochOf({ browser: 0 }, 'browser', 'get')).toBe(0);
    expect(epochOf({ browser: -5 }, 'browser', 'get')).toBe(-5);
    for (const kind of ['constructor', 'toString', '__proto__', 'valueOf']) expect(epochOf({}, kind, 'get')).toBe(0);
    expect(epochOf(JSON.parse('{"__proto__": 7}') as Record<string, number>, '__proto__', 'get')).toBe(7);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined]) {
      expect(refusal(() => epochOf({ browser: bad as number }, 'browser', 'get'))).toBe(
        'STORE_ERROR: The session store answered get() with an epoch of kind "browser" that is not a finite number; it is not taken for a session.',
      );
    }
  });

  it.each([
    ['not an object', 'garbage', 'a session that is not an object'],
    ['null', null, 'a session that is not an object'],
    ['an array', [record], 'a session that is not an object'],
    ['a numeric id', { ...record, id: 5 }, 'a session whose id, userId or kind is not a string'],
    ['no userId', { ...record, userId: undefined }, 'a session whose id, userId or kind is not a string'],
    ['a numeric kind', { ...record, kind: 1 }, 'a session whose id, userId or kind is not a string'],
    ['a numeric tenant', { ...record, tenantId: 3 }, 'a session whose tenantId is not a string'],
    ['a text hash', { ...record, secretHash: 'ab' }, 'a session whose secretHash is not 32 bytes'],
    ['a hash of 31 bytes', { ...record, secretHash: new Uint8Array(31) }, 'a session whose secretHash is not 32 bytes'],
    ['createdAt as text', { ...record, createdAt: '1000' }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['expiresAt NaN', { ...record, expiresAt: Number.NaN }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['lastUsedAt missing', { ...record, lastUsedAt: undefined }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['authenticatedAt missing', { ...record, authenticatedAt: undefined }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['authenticatedAt Infinity', { ...record, authenticatedAt: Number.POSITIVE_INFINITY }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['persistent as text', { ...record, persistent: 'false' }, 'a session whose persistent is neither absent nor a boolean'],
    ['revokedAt null', { ...record, revokedAt: null }, 'a session whose revokedAt is neither absent nor a finite number'],
    ['rotatedAt as text', { ...record, rotatedAt: '1100' }, 'a session whose rotatedAt is neither absent nor a finite number'],
    ['rotatedAt NaN', { ...record, rotatedAt: Number.NaN }, 'a session whose rotatedAt is neither absent nor a finite number'],
    ['rotationSalt as bytes', { ...record, rotationSalt: new Uint8Array(16) }, 'a session whose rotationSalt is neither absent nor text'],
    ['retiredSecretHashes as bytes', { ...record, retiredSecretHashes: new Uint8Array(32) }, 'a session whose retiredSecretHashes is neither absent nor text'],
    ['rotatedAt without rotationSalt', { ...record, rotatedAt: 1_100, previousSecretHash: new Uint8Array(32) }, 'a session rotated (rotatedAt) without its rotationSalt'],
    ['a federated origin that is text', { ...record, federated: 'https://idp.example' }, 'a session whose federated origin is not { iss, sub, sid? } of text'],
    ['a null federated origin', { ...record, federated: null }, 'a session whose federated origin is not { iss, sub, sid? } of text'],
    ['a federated origin without iss', { ...record, federated: { sub: 'u' } }, 'a session whose federated origin is not { iss, sub, sid? } of text'],
    ['a federated origin without sub', { ...record, federated: { iss: 'https://idp.example' } }, 'a session whose federated origin is not { iss, sub, sid? } of text'],
    ['a federated origin with a numeric sid', { ...record, federated: { iss: 'https://idp.example', sub: 'u', sid: 5 } }, 'a session whose federated origin is not { iss, sub, sid? } of text'],
    ['a previous hash as text', { ...record, previousSecretHash: 'ab' }, 'a session whose previousSecretHash is not 32 bytes'],
    ['a previous hash of 33 bytes', { ...record, previousSecretHash: new Uint8Array(33) }, 'a session whose previousSecretHash is not 32 bytes'],
  ])('a row with %s is a store error', (_name, row, detail) => {
    expect(refusal(() => checkRecord(row, 'get'))).toBe(`STORE_ERROR: The session store answered get() with ${detail}; it is not taken for a session.`);
  });

  it.each([
    ['get', () => checkLookup('x', record.id), 'neither null nor an object'],
    ['get', () => checkLookup([], record.id), 'neither null nor an object'],
    ['get', () => checkLookup({ session: { ...record, id: 'B'.repeat(22) }, epochs: {} }, record.id), 'another session than the one asked for'],
    ['get', () => checkLookup({ session: record, epochs: null }, record.id), 'epochs that are not a plain object'],
    ['get', () => checkLookup({ session: record, epochs: [] }, record.id), 'epochs that are not a plain object'],
    // A Map holds no own keys: its epochs would all read 0, its entries none.
    ['get', () => checkLookup({ session: record, epochs: new Map([['browser', 5]]) }, record.id), 'epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ denied: new Map([[record.id, 9e12]]) }), 'alice'), 'deny-list entries that are not a plain object'],
    ['readUser', () => checkUserState(userState({ tenantEpochs: new Map([['acme', { browser: 5 }]]) }), 'alice'), 'tenant epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ sessions: 'x' }), 'alice'), 'no list of sessions'],
    ['readUser', () => checkUserState(null, 'alice'), 'no list of sessions'],
    ['readUser', () => checkUserState(userState({ sessions: [record] }), 'bob'), "another user's session"],
    ['readUser', () => checkUserState(userState({ epochs: 5 }), 'alice'), 'epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ epochs: { api: '1' } }), 'alice'), 'an epoch of kind "api" that is not a finite number'],
    ['readUser', () => checkUserState(userState({ version: undefined }), 'alice'), 'a version that is not a whole number >= 0'],
    ['readUser', () => checkUserState(userState({ version: -1 }), 'alice'), 'a version that is not a whole number >= 0'],
    ['readUser', () => checkUserState(userState({ version: 1.5 }), 'alice'), 'a version that is not a whole number >= 0'],
    ['readUser', () => checkUserState(userState({ denied: null }), 'alice'), 'deny-list entries that are not a plain object'],
    ['readUser', () => checkUserState(userState({ denied: { x: Number.NaN } }), 'alice'), 'deny-list entries holding a time that is not a finite number'],
    ['readUser', () => checkUserState(userState({ devices: { h: '5' } }), 'alice'), 'devices holding a time that is not a finite number'],
    ['readUser', () => checkUserState(userState({ highWater: { browser: '1' } }), 'alice'), 'an epoch of kind "browser" that is not a finite number'],
    ['readUser', () => checkUserState(userState({ highWater: null }), 'alice'), 'epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ sessions: ['x'] }), 'alice'), 'a session that is not an object'],
    ['readTenant', () => checkTenantState('x'), 'something that is not an object'],
    ['readTenant', () => checkTenantState({ version: 0, epochs: {}, highWater: { browser: Number.NaN } }), 'an epoch of kind "browser" that is not a finite number'],
    ['readTenant', () => checkTenantState({ version: '0', epochs: {}, highWater: {} }), 'a version that is not a whole number >= 0'],
    ['readTenant', () => checkTenantState({ version: 0, epochs: { browser: '1' }, highWater: {} }), 'an epoch of kind "browser" that is not a finite number'],
    ['readTenant', () => checkTenantState({ version: 0, epochs: {}, highWater: null }), 'epochs that are not a plain object'],
    ['readKey', () => checkKeyState(null), 'something that is not an object'],
    ['readKey', () => checkKeyState({ version: 1, value: 'x' }), 'a key without a text value and a finite expiry'],
    ['readKey', () => checkKeyState({ version: 1, value: 7, expiresAt: 9 }), 'a key without a text value and a finite expiry'],
    ['readKey', () => checkKeyState({ version: 1, expiresAt: 9 }), 'a key without a text value and a finite expiry'],
    ['readKey', () => checkKeyState({ value: 'x', expiresAt: 9 }), 'a version that is not a whole number >= 0'],
    ['apply', () => checkFlag('true', 'apply'), 'something that is not a boolean'],
    ['apply', () => checkFlag(undefined, 'apply'), 'something that is not a boolean'],
    ['get', () => checkLookup({ session: 'x', epochs: {} }, record.id), 'a session that is not an object'],
    ['prune', () => checkCount(-1, 'prune'), 'a count that is not a whole number >= 0'],
    ['prune', () => checkCount(1.5, 'prune'), 'a count that is not a whole number >= 0'],
    ['prune', () => checkCount('3', 'prune'), 'a count that is not a whole number >= 0'],
  ] as const)('%s: %s', (what, check, detail) => {
    expect(refusal(check)).toBe(`STORE_ERROR: The session store answered ${what}() with ${detail}; it is not taken for a session.`);
  });
});

describe('what the manager accepts from the newer store answers', () => {
  const entry = { id: '0001', userId: 'alice', type: 'session.created', reason: 'sign_in', at: 1_000 };

  it('a well-formed answer passes through as it is', () => {
    const lookup = { session: { ...record, tenantId: 'acme', impersonatorId: 'agent' }, epochs: {}, tenantEpochs: { browser: 4 } };
    expect(checkLookup(lookup, record.id)).toBe(lookup);
    const listed = userState({ sessions: [{ ...record, tenantId: 'acme' }], tenantEpochs: { acme: { browser: 4 } } });
    expect(checkUserState(listed, 'alice')).toBe(listed);
    expect(checkFlag(true, 'reauthenticate')).toBe(true);
    expect(checkFlag(false, 'reauthenticate')).toBe(false);
    const page = [entry, { id: '0002', tenantId: 'acme', type: 'tenant.sessions_revoked', reason: 'breach', at: 2_000 }];
    expect(checkActivity(page, 'alice', 'acme', 2)).toBe(page);
    expect(checkActivity([], 'alice', undefined, 0)).toEqual([]);
  });

  it("a row is judged by its user's epoch, or its tenant's when that is later", () => {
    // createdAt 1,000: an epoch at or after it revokes the row.
    const alone = record;
    const inTenant = { ...record, tenantId: 'acme' };
    expect(refusalOf(alone, { epochs: { browser: 999 }, tenantEpochs: { browser: 1_000 } }, 1_500, 0, 'get')).toBeUndefined();
    expect(refusalOf(inTenant, { epochs: { browser: 999 } }, 1_500, 0, 'get')).toBeUndefined();
    expect(refusalOf(inTenant, { epochs: { browser: 999 }, tenantEpochs: { browser: 1_000 } }, 1_500, 0, 'get')).toBe('revoked');
    expect(refusalOf(inTenant, { epochs: { browser: 1_000 }, tenantEpochs: { browser: 9 } }, 1_500, 0, 'get')).toBe('revoked');
    expect(refusalOf(inTenant, { epochs: { browser: 999 }, tenantEpochs: { api: 5_000 } }, 1_500, 0, 'get')).toBeUndefined();
    expect(refusalOf(inTenant, { epochs: {}, tenantEpochs: {} }, 0, 0, 'get')).toBeUndefined();
    expect(refusal(() => refusalOf(inTenant, { epochs: { browser: 3 }, tenantEpochs: { browser: '9' as unknown as number } }, 0, 0, 'listByUser'))).toBe(
      'STORE_ERROR: The session store answered listByUser() with an epoch of kind "browser" that is not a finite number; it is not taken for a session.',
    );
  });

  it.each([
    ['get', () => checkLookup({ session: record, epochs: {}, tenantEpochs: [] }, record.id), 'epochs that are not a plain object'],
    ['get', () => checkRecord({ ...record, impersonatorId: 7 }, 'get'), 'a session whose impersonatorId is not a string'],
    ['get', () => checkRecord({ ...record, impersonatorSessionId: 7 }, 'get'), 'a session whose impersonatorSessionId is not a string'],
    ['readUser', () => checkUserState(userState({ sessions: [{ ...record, impersonatorSessionId: null }] }), record.userId), 'a session whose impersonatorSessionId is not a string'],
    ['readUser', () => checkUserState(userState({ tenantEpochs: 'x' }), 'alice'), 'tenant epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ tenantEpochs: { acme: 4 } }), 'alice'), 'epochs that are not a plain object'],
    ['readUser', () => checkUserState(userState({ tenantEpochs: { acme: { browser: '4' } } }), 'alice'), 'an epoch of kind "browser" that is not a finite number'],
    ['reauthenticate', () => checkFlag('true', 'reauthenticate'), 'something that is not a boolean'],
    ['reauthenticate', () => checkFlag(undefined, 'reauthenticate'), 'something that is not a boolean'],
    ['listActivity', () => checkActivity({ 0: entry }, 'alice', undefined, 10), 'something that is not a list'],
    ['listActivity', () => checkActivity([entry, entry], 'alice', undefined, 1), 'more entries than the limit'],
    ['listActivity', () => checkActivity([null], 'alice', undefined, 10), 'an entry that is not an object'],
    ['listActivity', () => checkActivity([entry], 'bob', undefined, 10), "another user's entry"],
    ['listActivity', () => checkActivity([{ ...entry, tenantId: 'acme' }], 'bob', 'acme', 10), "another user's entry"],
    ['listActivity', () => checkActivity([{ ...entry, userId: undefined }], 'alice', undefined, 10), "another user's entry"],
    ['listActivity', () => checkActivity([{ ...entry, userId: undefined, tenantId: 'globex' }], 'alice', 'acme', 10), "another user's entry"],
    ['listActivity', () => checkActivity([{ ...entry, id: 1 }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
    ['listActivity', () => checkActivity([{ ...entry, type: undefined }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
    ['listActivity', () => checkActivity([entry], 'alice', undefined, 10, entry.id), 'an entry not older than `before`'],
    ['listActivity', () => checkActivity([{ ...entry, reason: null }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
    ['listActivity', () => checkActivity([{ ...entry, at: '1000' }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
  ] as const)('%s: %s', (what, check, detail) => {
    expect(refusal(check)).toBe(`STORE_ERROR: The session store answered ${what}() with ${detail}; it is not taken for a session.`);
  });
});
