import { describe, expect, it } from 'vitest';
import { epochFor, liveUntil, ownRefusal, refusalOf, type LivenessFields, type RevocationFacts } from '../../src/liveness.js';

// The one rule for "is this stored row live at `now`?", at each of its edges.

const row = (fields: Partial<LivenessFields> = {}): LivenessFields => ({ kind: 'browser', createdAt: 1_000, expiresAt: 2_000, lastUsedAt: 1_500, ...fields });
const facts = (fields: Partial<RevocationFacts> = {}): RevocationFacts => ({ epochs: {}, ...fields });
// A support session whose admin's epochs, when it began, were these.
const support = (fields: Partial<LivenessFields> = {}) => row({ impersonatorId: 'root', impersonatorEpochs: { browser: 999, api: 500 }, ...fields });
// A STORE_ERROR whose message is, or matches, `message`.
const storeError = (message: string | RegExp) =>
  expect.objectContaining({ code: 'STORE_ERROR', message: typeof message === 'string' ? message : expect.stringMatching(message) });
const admin = (epochs: Record<string, number> = {}, adminSessionRefusal?: 'revoked' | 'expired' | 'idle') => ({ epochs, adminSessionRefusal });

describe('refusalOf', () => {
  it('takes a row before its expiry, with no revocation, for live', () => {
    expect(refusalOf(row(), facts(), 1_999, 0, 'get')).toBeUndefined();
  });

  it('refuses a row as expired from its expiry on', () => {
    expect(refusalOf(row(), facts(), 2_000, 0, 'get')).toBe('expired');
    expect(refusalOf(row(), facts(), 2_001, 0, 'get')).toBe('expired');
  });

  it('refuses a row revoked by itself', () => {
    expect(refusalOf(row({ revokedAt: 1_200 }), facts(), 1_300, 0, 'get')).toBe('revoked');
  });

  it('refuses a row ended because a retired token came back as reused; another reason, or an epoch alone, is revoked', () => {
    expect(refusalOf(row({ revokedAt: 1_200, revokedReason: 'token_reused' }), facts(), 1_300, 0, 'get')).toBe('reused');
    expect(refusalOf(row({ revokedAt: 1_200, revokedReason: 'sign_out' }), facts(), 1_300, 0, 'get')).toBe('revoked');
    expect(refusalOf(row({ revokedReason: 'token_reused' }), facts({ epochs: { browser: 1_000 } }), 1_300, 0, 'get')).toBe('revoked');
    expect(refusalOf(row({ revokedAt: 1_200, revokedReason: 'token_reused' }), facts(), 2_000, 0, 'get')).toBe('expired');
  });

  it("refuses a row born at or before its kind's epoch, and only its kind's", () => {
    expect(refusalOf(row(), facts({ epochs: { browser: 1_000 } }), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(row(), facts({ epochs: { browser: 999 } }), 1_100, 0, 'get')).toBeUndefined();
    expect(refusalOf(row(), facts({ epochs: { api: 1_500 } }), 1_100, 0, 'get')).toBeUndefined();
  });

  it("refuses a row of a tenant by that tenant's epoch; a row without a tenant ignores tenant epochs", () => {
    const tenantEpochs = { browser: 1_000 };
    expect(refusalOf(row({ tenantId: 'acme' }), facts({ tenantEpochs }), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(row({ tenantId: 'acme' }), facts({ tenantEpochs: { browser: 999 } }), 1_100, 0, 'get')).toBeUndefined();
    expect(refusalOf(row(), facts({ tenantEpochs }), 1_100, 0, 'get')).toBeUndefined();
    expect(refusalOf(row({ tenantId: 'acme' }), facts(), 1_100, 0, 'get')).toBeUndefined();
  });

  it('says expired before revoked when both hold', () => {
    expect(refusalOf(row({ revokedAt: 1_200 }), facts({ epochs: { browser: 1_500 } }), 2_000, 0, 'get')).toBe('expired');
  });

  it('refuses a row idle for the idle timeout, to the millisecond; without an idle timeout it never idles', () => {
    expect(refusalOf(row(), facts(), 1_600, 100, 'get')).toBe('idle');
    expect(refusalOf(row(), facts(), 1_599, 100, 'get')).toBeUndefined();
    expect(refusalOf(row(), facts(), 1_999, 0, 'get')).toBeUndefined();
  });

  it('says revoked or expired before idle', () => {
    expect(refusalOf(row({ revokedAt: 1_200 }), facts(), 1_900, 100, 'get')).toBe('revoked');
    expect(refusalOf(row(), facts(), 2_000, 100, 'get')).toBe('expired');
  });

  it("refuses a support session read without its admin's facts, whether it is marked by its kind or by its impersonator", () => {
    expect(refusalOf(support(), facts(), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(row({ kind: 'impersonation' }), facts(), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(row({ kind: 'impersonation' }), facts({ impersonator: admin() }), 1_100, 0, 'get')).toBeUndefined();
  });

  it("keeps a support session while its admin's session is live and the admin revoked nothing since it began", () => {
    expect(refusalOf(support(), facts({ impersonator: admin({ browser: 999, api: 500 }) }), 1_100, 0, 'get')).toBeUndefined();
  });

  it("ends a support session when the admin revokes any kind at or after its start", () => {
    expect(refusalOf(support(), facts({ impersonator: admin({ api: 1_000 }) }), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(support(), facts({ impersonator: admin({ api: 200, remember: 1_400 }) }), 1_500, 0, 'get')).toBe('revoked');
  });

  it("ends a support session at a raise of one kind even below another kind's epoch, and never compares its createdAt with an epoch", () => {
    expect(refusalOf(support(), facts({ impersonator: admin({ browser: 999, api: 501 }) }), 1_100, 0, 'get')).toBe('revoked');
    // A slower server's clock wrote an epoch before the row's createdAt: a raise all the same.
    expect(refusalOf(support({ createdAt: 5_000, expiresAt: 9_000 }), facts({ impersonator: admin({ browser: 1_000, api: 500 }) }), 5_100, 0, 'get')).toBe('revoked');
    // A faster server's epochs, later than createdAt but as they were when it began: live.
    expect(refusalOf(support({ impersonatorEpochs: { browser: 1_900 } }), facts({ impersonator: admin({ browser: 1_900 }) }), 1_100, 0, 'get')).toBeUndefined();
  });

  it('ends a support row that kept no epochs of its admin at any epoch of theirs', () => {
    expect(refusalOf(support({ impersonatorEpochs: undefined }), facts({ impersonator: admin({ api: 1 }) }), 1_100, 0, 'get')).toBe('revoked');
    expect(refusalOf(support({ impersonatorEpochs: undefined }), facts({ impersonator: admin() }), 1_100, 0, 'get')).toBeUndefined();
  });

  it("ends a support session when its admin's session is not live, whatever the reason", () => {
    for (const reason of ['revoked', 'expired', 'idle'] as const) {
      expect(refusalOf(support(), facts({ impersonator: admin({}, reason) }), 1_100, 0, 'get')).toBe('revoked');
    }
  });

  it("judges a row that is no support session by its own facts alone, whatever is said of an admin", () => {
    expect(refusalOf(row(), facts({ impersonator: admin({ browser: 1_500 }, 'revoked') }), 1_100, 0, 'get')).toBeUndefined();
  });

  it("counts a support session's idleness by its own use", () => {
    expect(refusalOf(support(), facts({ impersonator: admin() }), 1_600, 100, 'get')).toBe('idle');
  });

  it("refuses a malformed epoch of the admin as a store error naming the read, before any verdict", () => {
    const malformed = facts({ impersonator: admin({ browser: Number.NaN }) });
    expect(() => refusalOf(support(), malformed, 5_000, 0, 'listByUser')).toThrow(
      storeError('The session store answered listByUser() with an epoch of kind "browser" that is not a finite number; it is not taken for a session.'),
    );
  });

  it("refuses a malformed epoch of the row's kind or tenant as a store error naming the read", () => {
    expect(() => refusalOf(row(), facts({ epochs: { browser: 'soon' as unknown as number } }), 1_100, 0, 'get')).toThrow(storeError(/^The session store answered get\(\) with an epoch of kind "browser"/));
    expect(() => refusalOf(row({ tenantId: 'acme' }), facts({ tenantEpochs: { browser: Infinity } }), 1_100, 0, 'get')).toThrow(storeError(/answered get\(\)/));
  });
});

describe('ownRefusal', () => {
  it('decides by expiry, revocation and epochs alone: neither idleness nor an admin counts', () => {
    expect(ownRefusal(row({ lastUsedAt: 0 }), facts(), 1_999)).toBeUndefined();
    expect(ownRefusal(row(), facts({ epochs: { browser: 1_000 } }), 1_100)).toBe('revoked');
    expect(ownRefusal(row(), facts(), 2_000)).toBe('expired');
  });

  it('names the store in a malformed-epoch error when no read is named', () => {
    expect(() => ownRefusal(row(), facts({ epochs: { browser: Number.NaN } }), 1_100)).toThrow(storeError(/^The session store answered store\(\) with/));
  });
});

describe('liveUntil', () => {
  it('is the expiry without an idle timeout', () => {
    expect(liveUntil({ expiresAt: 2_000, lastUsedAt: 1_500 }, 0)).toBe(2_000);
  });

  it('is the moment it turns idle when that comes first, else the expiry', () => {
    expect(liveUntil({ expiresAt: 2_000, lastUsedAt: 1_500 }, 100)).toBe(1_600);
    expect(liveUntil({ expiresAt: 2_000, lastUsedAt: 1_500 }, 1_000)).toBe(2_000);
  });
});

describe('epochFor', () => {
  it("is the user's epoch of the kind, or the tenant's when later and the session has that tenant", () => {
    const both = facts({ epochs: { browser: 10, api: 50 }, tenantEpochs: { browser: 30 } });
    expect(epochFor({ kind: 'browser' }, both, 'get')).toBe(10);
    expect(epochFor({ kind: 'browser', tenantId: 'acme' }, both, 'get')).toBe(30);
    expect(epochFor({ kind: 'api', tenantId: 'acme' }, both, 'get')).toBe(50);
    expect(epochFor({ kind: 'remember', tenantId: 'acme' }, both, 'get')).toBe(0);
  });

  it('refuses a malformed tenant epoch as a store error naming the read', () => {
    expect(() => epochFor({ kind: 'browser', tenantId: 'acme' }, facts({ tenantEpochs: { browser: Number.NaN } }), 'readUser')).toThrow(storeError(/readUser\(\)/));
  });
});
