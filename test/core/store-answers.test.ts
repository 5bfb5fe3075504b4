import { describe, expect, it } from 'vitest';
import {
  checkActivity,
  checkAllEpochs,
  checkCount,
  checkCreated,
  checkFlag,
  checkIds,
  checkLink,
  checkLookup,
  checkRaisedEpochs,
  checkRecord,
  checkRevocationState,
  checkRevoked,
  checkSighting,
  checkUserSessions,
  epochOf,
} from '../../src/store-answers.js';
import { refusalOf } from '../../src/liveness.js';
import type { SessionRecord } from '../../src/store.js';

// Most cases ask for no cap; the cap's own cases pass `limited` themselves.
const checkCreatedOf = (answer: unknown, created: SessionRecord, limited = false) => checkCreated(answer, created, limited);

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
    const listed = { sessions: [record], epochs: {} };
    expect(checkUserSessions(listed, 'alice')).toBe(listed);
    const created = { session: record, replacedIds: ['x'] };
    expect(checkCreatedOf(created, record, false)).toEqual({ ...created, evictedIds: [] });
    expect(checkCreatedOf({ ...created, evictedIds: ['y'] }, record, true)).toEqual({ ...created, evictedIds: ['y'] });
    expect(checkRecord({ ...record, persistent: false }, 'get').persistent).toBe(false);
    expect(checkRevoked(null)).toBeNull();
    expect(checkRevoked(record)).toBe(record);
    expect(checkIds([], 'revokeOthers')).toEqual([]);
    expect(checkRaisedEpochs({ browser: 3, remember: 3 }, ['browser', 'remember'])).toEqual({ browser: 3, remember: 3 });
    expect(checkRevocationState({ epochs: { api: 1 }, denied: { [record.id]: 9 } })).toEqual({ epochs: { api: 1 }, denied: { [record.id]: 9 } });
    expect(checkCount(0, 'prune')).toBe(0);
    expect(checkCount(7, 'prune')).toBe(7);
    expect(checkAllEpochs({}, 'get')).toEqual({});
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
    ['a text hash', { ...record, secretHash: 'ab' }, 'a session whose secretHash is not bytes'],
    ['createdAt as text', { ...record, createdAt: '1000' }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['expiresAt NaN', { ...record, expiresAt: Number.NaN }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['lastUsedAt missing', { ...record, lastUsedAt: undefined }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['authenticatedAt missing', { ...record, authenticatedAt: undefined }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['authenticatedAt Infinity', { ...record, authenticatedAt: Number.POSITIVE_INFINITY }, 'a session whose createdAt, expiresAt, lastUsedAt or authenticatedAt is not a finite number'],
    ['persistent as text', { ...record, persistent: 'false' }, 'a session whose persistent is neither absent nor a boolean'],
    ['revokedAt null', { ...record, revokedAt: null }, 'a session whose revokedAt is neither absent nor a finite number'],
  ])('a row with %s is a store error', (_name, row, detail) => {
    expect(refusal(() => checkRecord(row, 'get'))).toBe(`STORE_ERROR: The session store answered get() with ${detail}; it is not taken for a session.`);
  });

  it.each([
    ['get', () => checkLookup('x', record.id), 'neither null nor an object'],
    ['get', () => checkLookup([], record.id), 'neither null nor an object'],
    ['get', () => checkLookup({ session: { ...record, id: 'B'.repeat(22) }, epochs: {} }, record.id), 'another session than the one asked for'],
    ['get', () => checkLookup({ session: record, epochs: null }, record.id), 'epochs that are not an object'],
    ['get', () => checkLookup({ session: record, epochs: [] }, record.id), 'epochs that are not an object'],
    ['listByUser', () => checkUserSessions({ sessions: 'x', epochs: {} }, 'alice'), 'no list of sessions'],
    ['listByUser', () => checkUserSessions(null, 'alice'), 'no list of sessions'],
    ['listByUser', () => checkUserSessions({ sessions: [record], epochs: {} }, 'bob'), "another user's session"],
    ['listByUser', () => checkUserSessions({ sessions: [], epochs: 5 }, 'alice'), 'epochs that are not an object'],
    ['create', () => checkCreatedOf(null, record), 'something that is not an object'],
    ['create', () => checkCreatedOf({ session: { ...record, id: 'B'.repeat(22) }, replacedIds: [] }, record), 'another session than the one created'],
    ['create', () => checkCreatedOf({ session: { ...record, userId: 'bob' }, replacedIds: [] }, record), 'another session than the one created'],
    ['create', () => checkCreatedOf({ session: { ...record, kind: 'api' }, replacedIds: [] }, record), 'a session whose kind is not the one created'],
    ['create', () => checkCreatedOf({ session: record, replacedIds: [] }, { ...record, tenantId: 'acme' }), 'a session whose tenantId is not the one created'],
    ['create', () => checkCreatedOf({ session: { ...record, kind: 'impersonation' }, replacedIds: [] }, { ...record, kind: 'impersonation', impersonatorId: 'root' }), 'a session whose impersonatorId is not the one created'],
    ['create', () => checkCreatedOf({ session: { ...record, impersonatorId: 'root' }, replacedIds: [] }, { ...record, impersonatorId: 'root', impersonatorSessionId: 'S'.repeat(22) }), 'a session whose impersonatorSessionId is not the one created'],
    ['create', () => checkCreatedOf({ session: record, replacedIds: [1] }, record), 'session ids that are not a list of strings'],
    ['create', () => checkCreatedOf({ session: record }, record), 'session ids that are not a list of strings'],
    ['create', () => checkCreatedOf({ session: record, replacedIds: [] }, record, true), 'no evictedIds though a session limit was asked for (the store does not enforce maxSessions)'],
    ['create', () => checkCreatedOf({ session: record, replacedIds: [], evictedIds: [3] }, record, true), 'session ids that are not a list of strings'],
    ['revokeOthers', () => checkIds('a,b', 'revokeOthers'), 'session ids that are not a list of strings'],
    ['revoke', () => checkRevoked(7), 'a session that is not an object'],
    ['revokeAll', () => checkRaisedEpochs({ browser: 3 }, ['browser', 'remember']), 'no epoch for kind "remember"'],
    ['revokeAll', () => checkRaisedEpochs({ browser: Number.NaN }, ['browser']), 'an epoch of kind "browser" that is not a finite number'],
    ['getRevocationState', () => checkRevocationState('x'), 'something that is not an object'],
    ['getRevocationState', () => checkRevocationState({ epochs: 'x', denied: {} }), 'epochs that are not an object'],
    ['getRevocationState', () => checkRevocationState({ epochs: { api: '1' }, denied: {} }), 'an epoch of kind "api" that is not a finite number'],
    ['getRevocationState', () => checkRevocationState({ epochs: {}, denied: null }), 'a deny-list that is not an object'],
    ['getRevocationState', () => checkRevocationState({ epochs: {}, denied: { x: Number.NaN } }), 'a deny-list time that is not a finite number'],
    ['get', () => checkLookup({ session: 'x', epochs: {} }, record.id), 'a session that is not an object'],
    ['listByUser', () => checkUserSessions({ sessions: ['x'], epochs: {} }, 'alice'), 'a session that is not an object'],
    ['create', () => checkCreatedOf({ session: 'x', replacedIds: [] }, record), 'a session that is not an object'],
    ['prune', () => checkCount(-1, 'prune'), 'a count that is not a whole number >= 0'],
    ['prune', () => checkCount(1.5, 'prune'), 'a count that is not a whole number >= 0'],
    ['prune', () => checkCount('3', 'prune'), 'a count that is not a whole number >= 0'],
  ] as const)('%s: %s', (what, check, detail) => {
    expect(refusal(check)).toBe(`STORE_ERROR: The session store answered ${what}() with ${detail}; it is not taken for a session.`);
  });
});

describe('what the manager accepts from the newer store answers', () => {
  const entry = { id: '0001', userId: 'alice', type: 'session.created', reason: 'sign_in', at: 1_000 };
  const link = { id: record.id, secretHash: new Uint8Array(32), userId: 'alice', sessionId: 'S'.repeat(22), expiresAt: 5_000 };

  it('a well-formed answer passes through as it is', () => {
    const lookup = { session: { ...record, tenantId: 'acme', impersonatorId: 'agent' }, epochs: {}, tenantEpochs: { browser: 4 } };
    expect(checkLookup(lookup, record.id)).toBe(lookup);
    const listed = { sessions: [{ ...record, tenantId: 'acme' }], epochs: {}, tenantEpochs: { acme: { browser: 4 } } };
    expect(checkUserSessions(listed, 'alice')).toBe(listed);
    const state = { epochs: {}, denied: {}, tenantEpochs: { browser: 4 } };
    expect(checkRevocationState(state)).toBe(state);
    expect(checkFlag(true, 'reauthenticate')).toBe(true);
    expect(checkFlag(false, 'reauthenticate')).toBe(false);
    const page = [entry, { id: '0002', tenantId: 'acme', type: 'tenant.sessions_revoked', reason: 'breach', at: 2_000 }];
    expect(checkActivity(page, 'alice', 'acme', 2)).toBe(page);
    expect(checkActivity([], 'alice', undefined, 0)).toEqual([]);
    expect(checkLink(link, link.id)).toBe(link);
    const linkWithDevice = { ...link, deviceKey: 'Chrome|Mac OS', tenantId: 'acme' };
    expect(checkLink(linkWithDevice, link.id)).toBe(linkWithDevice);
    expect(checkLink(null, link.id)).toBeNull();
    expect(checkSighting(null)).toBeNull();
    expect(checkSighting(0)).toBe(0);
    expect(checkSighting(1_234)).toBe(1_234);
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
    ['get', () => checkLookup({ session: record, epochs: {}, tenantEpochs: [] }, record.id), 'epochs that are not an object'],
    ['get', () => checkRecord({ ...record, impersonatorId: 7 }, 'get'), 'a session whose impersonatorId is not a string'],
    ['get', () => checkRecord({ ...record, impersonatorSessionId: 7 }, 'get'), 'a session whose impersonatorSessionId is not a string'],
    ['listByUser', () => checkUserSessions({ sessions: [{ ...record, impersonatorSessionId: null }], epochs: {} }, record.userId), 'a session whose impersonatorSessionId is not a string'],
    ['listByUser', () => checkUserSessions({ sessions: [], epochs: {}, tenantEpochs: 'x' }, 'alice'), 'tenant epochs that are not an object'],
    ['listByUser', () => checkUserSessions({ sessions: [], epochs: {}, tenantEpochs: { acme: 4 } }, 'alice'), 'epochs that are not an object'],
    ['getRevocationState', () => checkRevocationState({ epochs: {}, denied: {}, tenantEpochs: { browser: '4' } }), 'an epoch of kind "browser" that is not a finite number'],
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
    ['listActivity', () => checkActivity([{ ...entry, reason: null }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
    ['listActivity', () => checkActivity([{ ...entry, at: '1000' }], 'alice', undefined, 10), 'an entry without a text id, type and reason and a finite time'],
    ['consumeRevocationLink', () => checkLink('x', link.id), 'another link than the one asked for'],
    ['consumeRevocationLink', () => checkLink({ ...link, id: 'B'.repeat(22) }, link.id), 'another link than the one asked for'],
    ['consumeRevocationLink', () => checkLink({ ...link, userId: 5 }, link.id), 'a link without a text userId and sessionId and a finite expiry'],
    ['consumeRevocationLink', () => checkLink({ ...link, sessionId: undefined }, link.id), 'a link without a text userId and sessionId and a finite expiry'],
    ['consumeRevocationLink', () => checkLink({ ...link, expiresAt: Number.NaN }, link.id), 'a link without a text userId and sessionId and a finite expiry'],
    ['consumeRevocationLink', () => checkLink({ ...link, deviceKey: null }, link.id), 'a link whose deviceKey or tenantId is neither absent nor text'],
    ['consumeRevocationLink', () => checkLink({ ...link, tenantId: 7 }, link.id), 'a link whose deviceKey or tenantId is neither absent nor text'],
    ['rememberDevice', () => checkSighting('1000'), 'a last-seen time that is neither null nor a finite number'],
    ['rememberDevice', () => checkSighting(undefined), 'a last-seen time that is neither null nor a finite number'],
    ['rememberDevice', () => checkSighting(Number.POSITIVE_INFINITY), 'a last-seen time that is neither null nor a finite number'],
  ] as const)('%s: %s', (what, check, detail) => {
    expect(refusal(check)).toBe(`STORE_ERROR: The session store answered ${what}() with ${detail}; it is not taken for a session.`);
  });
});
