import { describe, expect, it } from 'vitest';
import { inTenantScope, othersToRevoke, type OthersRow } from '../../src/rules/revoke-others.js';

const NOW = 1_800_000_000_000;
const row = (id: string, fields: Partial<OthersRow> = {}): OthersRow => ({ id, kind: 'browser', createdAt: NOW - 1000, expiresAt: NOW + 1000, ...fields });

describe('othersToRevoke', () => {
  it('ends every live session of the named kinds but the kept one', () => {
    const sessions = [
      row('kept'),
      row('phone'),
      row('api', { kind: 'api' }),
      row('remember', { kind: 'remember' }),
      row('revoked', { revokedAt: NOW - 1 }),
      row('expired', { expiresAt: NOW }),
      row('before-epoch', { createdAt: NOW - 5000 }),
      row('tenant-ended', { tenantId: 't' }),
      row('tenant-live', { tenantId: 'u' }),
    ];
    const ended = othersToRevoke({ sessions, epochs: { browser: NOW - 2000 }, tenantEpochs: new Map([['t', { browser: NOW }]]) }, { keepSessionId: 'kept', kinds: ['browser', 'remember'] }, NOW);
    expect(ended.map((r) => r.id)).toEqual(['phone', 'remember', 'tenant-live']);
  });
});

describe('othersToRevoke without tenant epochs', () => {
  it('ends the live sessions of a tenant when the store read no tenant epochs', () => {
    const sessions = [row('kept'), row('in-tenant', { tenantId: 't' }), row('plain')];
    expect(othersToRevoke({ sessions, epochs: {} }, { keepSessionId: 'kept', kinds: ['browser'] }, NOW).map((r) => r.id)).toEqual(['in-tenant', 'plain']);
  });
});

describe("othersToRevoke for a tenant admin's sign-out of a user", () => {
  const sessions = [row('mine', { tenantId: 't' }), row('api', { tenantId: 't', kind: 'retired' }), row('other-tenant', { tenantId: 'u' }), row('no-tenant'), row('ended', { tenantId: 't', revokedAt: NOW - 1 })];
  it("ends only that tenant's live sessions, none kept", () => {
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: ['browser'], tenantId: 't' }, NOW).map((r) => r.id)).toEqual(['mine']);
  });
  it('ends kinds no longer declared with everyKind', () => {
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: ['browser'], everyKind: true, tenantId: 't' }, NOW).map((r) => r.id)).toEqual(['mine', 'api']);
  });
  it('keeps the session named', () => {
    expect(othersToRevoke({ sessions, epochs: {} }, { keepSessionId: 'mine', kinds: ['browser', 'retired'], tenantId: 't' }, NOW).map((r) => r.id)).toEqual(['api']);
  });
});

describe('othersToRevoke for the sessions of provider identities', () => {
  it('ends only the live rows signed in through one of them, iss, sub and sid alike', () => {
    const via = (iss: string, sub: string, sid?: string) => ({ federated: sid === undefined ? { iss, sub } : { iss, sub, sid } });
    const sessions = [row('named', via('idp', 'alice', 's1')), row('successor', via('idp', 'alice', 's1')), row('other-sid', via('idp', 'alice', 's2')), row('no-sid', via('idp', 'alice')), row('other-idp', via('idp2', 'alice', 's1')), row('other-sub', via('idp', 'bob', 's1')), row('local'), row('ended', { ...via('idp', 'alice', 's1'), revokedAt: NOW - 1 })];
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: [], everyKind: true, identities: [{ iss: 'idp', sub: 'alice', sid: 's1' }] }, NOW).map((r) => r.id)).toEqual(['named', 'successor']);
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: [], everyKind: true, identities: [{ iss: 'idp', sub: 'alice' }] }, NOW).map((r) => r.id)).toEqual(['no-sid']);
    const both = [{ iss: 'idp', sub: 'alice', sid: 's1' }, { iss: 'idp', sub: 'alice', sid: 's2' }];
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: [], everyKind: true, identities: both }, NOW).map((r) => r.id)).toEqual(['named', 'successor', 'other-sid']);
  });
});

describe('othersToRevoke for "This wasn\'t me"', () => {
  const device = { deviceKey: 'chrome-mac' };
  const sessions = [
    row('linked', { kind: 'api', deviceKey: 'firefox-linux' }),
    row('on-device', { deviceKey: 'chrome-mac', tenantId: 't' }),
    row('support-on-device', { deviceKey: 'chrome-mac', tenantId: 't', impersonatorId: 'admin' }),
    row('other-tenant', { deviceKey: 'chrome-mac', tenantId: 'u' }),
    row('no-tenant', { deviceKey: 'chrome-mac' }),
    row('api-on-device', { kind: 'api', deviceKey: 'chrome-mac', tenantId: 't' }),
    row('other-device', { deviceKey: 'safari-ios', tenantId: 't' }),
    row('ended-on-device', { deviceKey: 'chrome-mac', tenantId: 't', revokedAt: NOW - 1 }),
  ];
  it("ends the linked session whatever its kind, and the user's own live ones of the kinds named on that device, in any tenant or none", () => {
    expect(othersToRevoke({ sessions, epochs: {} }, { sessionId: 'linked', kinds: ['browser'], device }, NOW).map((r) => r.id)).toEqual(['linked', 'on-device', 'other-tenant', 'no-tenant']);
  });
  it('ends the linked session alone without a device, and nothing once it has ended', () => {
    expect(othersToRevoke({ sessions, epochs: {} }, { sessionId: 'linked', kinds: [] }, NOW).map((r) => r.id)).toEqual(['linked']);
    expect(othersToRevoke({ sessions, epochs: {} }, { sessionId: 'ended-on-device', kinds: [] }, NOW)).toEqual([]);
  });
});

describe('othersToRevoke for a tenant an identity provider names', () => {
  it("with orNoTenant ends that tenant's live sessions and those in no tenant, never another tenant's", () => {
    const sessions = [row('in-t', { tenantId: 't' }), row('in-u', { tenantId: 'u' }), row('none'), row('none-ended', { revokedAt: NOW - 1 })];
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: ['browser'], tenantId: 't', orNoTenant: true }, NOW).map((r) => r.id)).toEqual(['in-t', 'none']);
    expect(othersToRevoke({ sessions, epochs: {} }, { kinds: ['browser'], tenantId: 't' }, NOW).map((r) => r.id)).toEqual(['in-t']);
  });
});

describe('inTenantScope', () => {
  it('is every tenant when the scope names none; else that tenant, and no tenant only with orNoTenant', () => {
    const rows = ['t', 'u', undefined] as const;
    expect(rows.map((tenantId) => inTenantScope(tenantId, {}))).toEqual([true, true, true]);
    expect(rows.map((tenantId) => inTenantScope(tenantId, { tenantId: 't' }))).toEqual([true, false, false]);
    expect(rows.map((tenantId) => inTenantScope(tenantId, { tenantId: 't', orNoTenant: true }))).toEqual([true, false, true]);
  });
});
