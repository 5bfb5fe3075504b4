import { describe, expect, it } from 'vitest';
import { isSessionError } from '../../src/errors.js';
import { decideSignIn, type NewSessionRecord, type SignInRow } from '../../src/rules/sign-in.js';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

const newSession = (fields: Partial<NewSessionRecord> = {}): NewSessionRecord => ({
  id: 'new',
  userId: 'u',
  kind: 'browser',
  secretHash: new Uint8Array(32),
  createdAt: NOW,
  authenticatedAt: NOW,
  maxAge: DAY,
  deviceKey: 'chrome-mac',
  ...fields,
});
const row = (id: string, fields: Partial<SignInRow> = {}): SignInRow => ({
  id,
  kind: 'browser',
  createdAt: NOW - 10_000,
  expiresAt: NOW + DAY,
  lastUsedAt: NOW - 10_000,
  deviceKey: `device-${id}`,
  ...fields,
});
const ids = (rows: readonly SignInRow[]): string[] => rows.map((r) => r.id);
const cap = (max: number, onLimit: 'evict-oldest' | 'refuse' = 'evict-oldest', idleBefore = 0) => ({ max, onLimit, idleBefore });

describe('decideSignIn', () => {
  it('is born after the epoch of its kind, its user and its tenant', () => {
    expect(decideSignIn(newSession(), { sessions: [], epochs: { browser: NOW + 5 } }, { replaceDevice: false }).createdAt).toBe(NOW + 6);
    expect(decideSignIn(newSession(), { sessions: [], epochs: { api: NOW + 5 } }, { replaceDevice: false }).createdAt).toBe(NOW);
    const tenant = decideSignIn(newSession({ tenantId: 't' }), { sessions: [], epochs: {}, tenantEpochs: { browser: NOW + 9 } }, { replaceDevice: false });
    expect(tenant.createdAt).toBe(NOW + 10);
    // A tenant's epoch does not hold back a sign-in without a tenant.
    expect(decideSignIn(newSession(), { sessions: [], epochs: {}, tenantEpochs: { browser: NOW + 9 } }, { replaceDevice: false }).createdAt).toBe(NOW);
  });

  it('replaces only live sessions of the same device, kind and tenant', () => {
    const sessions = [
      row('same', { deviceKey: 'chrome-mac' }),
      row('other-device'),
      row('other-kind', { deviceKey: 'chrome-mac', kind: 'remember' }),
      row('other-tenant', { deviceKey: 'chrome-mac', tenantId: 't' }),
      row('revoked', { deviceKey: 'chrome-mac', revokedAt: NOW - 1 }),
      row('expired', { deviceKey: 'chrome-mac', expiresAt: NOW }),
      row('before-epoch', { deviceKey: 'chrome-mac', createdAt: NOW - 20_000 }),
    ];
    const decision = decideSignIn(newSession(), { sessions, epochs: { browser: NOW - 15_000 } }, { replaceDevice: true });
    expect(ids(decision.replaced)).toEqual(['same']);
    expect(decision.evicted).toEqual([]);
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false }).replaced).toEqual([]);
    expect(decideSignIn(newSession({ deviceKey: undefined }), { sessions, epochs: {} }, { replaceDevice: true }).replaced).toEqual([]);
  });

  it("a sign-in to a tenant replaces, counts and evicts that tenant's sessions only, never another tenant's nor those without one", () => {
    // The other tenant's and the tenantless rows are of the same device and the least recently used.
    const sessions = [
      row('same-device', { tenantId: 't', deviceKey: 'chrome-mac', lastUsedAt: NOW - 100 }),
      row('in-t', { tenantId: 't', lastUsedAt: NOW - 200 }),
      row('other-tenant', { tenantId: 'u', deviceKey: 'chrome-mac', lastUsedAt: NOW - 900 }),
      row('no-tenant', { deviceKey: 'chrome-mac', lastUsedAt: NOW - 800 }),
    ];
    const inT = newSession({ tenantId: 't' });
    const decision = decideSignIn(inT, { sessions, epochs: {} }, { replaceDevice: true, limit: cap(1) });
    expect([ids(decision.replaced), ids(decision.evicted)]).toEqual([['same-device'], ['in-t']]);
    expect(decideSignIn(inT, { sessions, epochs: {} }, { replaceDevice: false, limit: cap(3, 'refuse') }).evicted).toEqual([]);
    expect(() => decideSignIn(inT, { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2, 'refuse') })).toThrow('The session limit of this user and kind is reached.');
  });

  it("neither replaces, counts nor evicts a row its tenant's epoch ended", () => {
    const sessions = [
      row('ended-same-device', { tenantId: 't', deviceKey: 'chrome-mac', createdAt: NOW - 9000, lastUsedAt: NOW - 9000 }),
      row('ended', { tenantId: 't', createdAt: NOW - 8000, lastUsedAt: NOW - 8000 }),
      row('live', { tenantId: 't', createdAt: NOW - 1000, lastUsedAt: NOW - 1000 }),
    ];
    const facts = { sessions, epochs: {}, tenantEpochs: { browser: NOW - 5000 } };
    const inT = newSession({ tenantId: 't' });
    expect(decideSignIn(inT, facts, { replaceDevice: true, limit: cap(2, 'refuse') })).toEqual({ createdAt: NOW, replaced: [], evicted: [] });
    expect(ids(decideSignIn(inT, facts, { replaceDevice: true, limit: cap(1) }).evicted)).toEqual(['live']);
  });

  it('evicts the least recently used sessions over the cap, then the oldest, then by id', () => {
    const sessions = [row('c', { lastUsedAt: NOW - 100 }), row('b', { lastUsedAt: NOW - 300, createdAt: NOW - 500 }), row('a', { lastUsedAt: NOW - 300, createdAt: NOW - 500 }), row('d', { lastUsedAt: NOW - 300, createdAt: NOW - 900 })];
    expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(3) }).evicted)).toEqual(['d', 'a']);
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(5) }).evicted).toEqual([]);
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(6) }).evicted).toEqual([]);
  });

  it('counts neither other tenants nor the replaced device against the cap, and never refuses for an idle session: it ends it', () => {
    const sessions = [row('idle', { lastUsedAt: NOW - 5000 }), row('tenant', { tenantId: 't' }), row('same', { deviceKey: 'chrome-mac' }), row('kept', { lastUsedAt: NOW - 100 })];
    const decision = decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: true, limit: cap(2, 'refuse', NOW - 4000) });
    expect([ids(decision.replaced), ids(decision.evicted)]).toEqual([['same'], ['idle']]);
    expect(() => decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: true, limit: cap(1, 'refuse', NOW - 4000) })).toThrow('The session limit of this user and kind is reached.');
  });

  it('neither counts nor evicts the sessions the sign-in ends itself (its device presented them)', () => {
    const sessions = [row('phone', { lastUsedAt: NOW - 100 }), row('laptop', { lastUsedAt: NOW - 900 })];
    const leaving = { ...cap(2, 'refuse'), leaving: ['phone'] };
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: leaving })).toEqual({ createdAt: NOW, replaced: [], evicted: [] });
    expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: { ...cap(1), leaving: ['phone'] } }).evicted)).toEqual(['laptop']);
  });

  it('counts and evicts sessions of the sign-in’s kind only: other kinds have their own cap', () => {
    const sessions = [row('api-1', { kind: 'api', lastUsedAt: NOW - 900 }), row('api-2', { kind: 'api', lastUsedAt: NOW - 800 }), row('browser', { lastUsedAt: NOW - 100 })];
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2, 'refuse') }).evicted).toEqual([]);
    expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(1) }).evicted)).toEqual(['browser']);
    expect(ids(decideSignIn(newSession({ kind: 'api', deviceKey: undefined }), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2) }).evicted)).toEqual(['api-1']);
  });

  it('refuses at the cap with SESSION_LIMIT, deciding nothing else', () => {
    const sessions = [row('a'), row('b')];
    let thrown: unknown;
    try {
      decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2, 'refuse') });
    } catch (error) {
      thrown = error;
    }
    expect(isSessionError(thrown) && thrown.code).toBe('SESSION_LIMIT');
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(3, 'refuse') }).evicted).toEqual([]);
  });

  it('replaces no session without a device to replace, even rows that have none either', () => {
    const sessions = [row('no-device', { deviceKey: undefined })];
    expect(decideSignIn(newSession({ deviceKey: undefined }), { sessions, epochs: {} }, { replaceDevice: true }).replaced).toEqual([]);
  });

  it('replaces nothing under a cap unless asked to', () => {
    const sessions = [row('same', { deviceKey: 'chrome-mac' })];
    expect(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(5) })).toEqual({ createdAt: NOW, replaced: [], evicted: [] });
  });

  it('decides a plain sign-in without a cap or replacement from the epochs alone', () => {
    expect(decideSignIn(newSession(), { sessions: [row('a')], epochs: { browser: NOW + 1 } }, { replaceDevice: false })).toEqual({ createdAt: NOW + 2, replaced: [], evicted: [] });
  });

  it('counts a session used exactly at the idle cut-off as idle: evicted first, never a reason to refuse', () => {
    // `a` is the least recently used either way; the cut-off decides whether `refuse` may end it.
    const sessions = [row('a', { lastUsedAt: NOW - 4000 }), row('b', { lastUsedAt: NOW - 3999 })];
    expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2, 'refuse', NOW - 4000) }).evicted)).toEqual(['a']);
    expect(() => decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2, 'refuse', NOW - 4001) })).toThrow('The session limit of this user and kind is reached.');
    expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(1, 'evict-oldest', NOW - 4000) }).evicted)).toEqual(['a', 'b']);
  });

  it("refuses a malformed epoch as the store's error, never as a verdict", () => {
    expect(() => decideSignIn(newSession(), { sessions: [], epochs: { browser: Number.NaN } }, { replaceDevice: false })).toThrow(
      'The session store answered store() with an epoch of kind "browser" that is not a finite number; it is not taken for a session.',
    );
  });

  it('says why a refused sign-in is refused', () => {
    expect(() => decideSignIn(newSession(), { sessions: [row('a')], epochs: {} }, { replaceDevice: false, limit: cap(1, 'refuse') })).toThrow('The session limit of this user and kind is reached.');
  });

  it("signs in to a tenant whose epochs the store did not read", () => {
    expect(decideSignIn(newSession({ tenantId: 't' }), { sessions: [], epochs: {} }, { replaceDevice: false }).createdAt).toBe(NOW);
  });

  it('breaks a tie of use and age by id, whatever order the rows were read in', () => {
    const a = row('a', { lastUsedAt: NOW - 300, createdAt: NOW - 500 });
    const b = row('b', { lastUsedAt: NOW - 300, createdAt: NOW - 500 });
    for (const sessions of [[a, b], [b, a]]) {
      expect(ids(decideSignIn(newSession(), { sessions, epochs: {} }, { replaceDevice: false, limit: cap(2) }).evicted)).toEqual(['a']);
    }
  });

  it('judges the cap at the new session’s birth: a session expiring by then does not count', () => {
    const sessions = [row('a', { expiresAt: NOW + 3 }), row('b')];
    const decision = decideSignIn(newSession(), { sessions, epochs: { browser: NOW + 2 } }, { replaceDevice: false, limit: cap(2, 'refuse') });
    expect(decision.createdAt).toBe(NOW + 3);
    expect(decision.evicted).toEqual([]);
  });
});
