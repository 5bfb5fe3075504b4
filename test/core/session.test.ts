import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/liveness.js';
import { toSession, toView } from '../../src/session.js';
import { epochOf as epochOfAnswer } from '../../src/store-answers.js';
import type { Epochs } from '../../src/store.js';

const epochOf = (epochs: Epochs, kind: string): number => epochOfAnswer(epochs, kind, 'get');
import type { SessionRecord } from '../../src/store.js';

// Liveness as the manager decides it: the row against its user's epochs.
const liveness = (row: SessionRecord, epochs: Epochs, now: number, idleTimeout: number) => refusalOf(row, { epochs }, now, idleTimeout, 'get');

const record: SessionRecord = {
  id: 'AbCdEfGhIjKlMnOpQrSt-_',
  userId: 'alice',
  tenantId: 'acme',
  kind: 'browser',
  secretHash: new Uint8Array(32),
  createdAt: 1_000_000,
  expiresAt: 2_000_000,
  lastUsedAt: 1_500_000,
  authenticatedAt: 1_000_000,
  deviceKey: 'Chrome|Mac OS',
  browser: 'Chrome',
  os: 'Mac OS',
  deviceType: 'desktop',
  userAgent: 'Mozilla/5.0',
  ip: '203.0.113.7',
  data: { plan: 'pro' },
  revokedAt: undefined,
  revokedReason: undefined,
};

describe('liveness of a stored session', () => {
  it('is live before expiry, with no epoch or an older one, and refused exactly at expiresAt', () => {
    expect(liveness(record, {}, record.expiresAt - 1, 0)).toBeUndefined();
    expect(liveness(record, { browser: record.createdAt - 1 }, record.expiresAt - 1, 0)).toBeUndefined();
    expect(liveness(record, {}, record.expiresAt, 0)).toBe('expired');
    expect(liveness(record, {}, record.expiresAt + 1, 0)).toBe('expired');
  });

  it('is revoked by its own revocation or by an epoch of its kind at or after its creation', () => {
    expect(liveness({ ...record, revokedAt: 1_200_000 }, {}, 1_300_000, 0)).toBe('revoked');
    expect(liveness(record, { browser: record.createdAt }, 1_300_000, 0)).toBe('revoked');
    expect(liveness(record, { browser: record.createdAt + 1 }, 1_300_000, 0)).toBe('revoked');
    expect(liveness(record, { api: record.createdAt + 1 }, 1_300_000, 0)).toBeUndefined();
  });

  it('reports expiry before revocation, and revocation before idleness', () => {
    expect(liveness({ ...record, revokedAt: 1_200_000 }, {}, record.expiresAt, 0)).toBe('expired');
    expect(liveness({ ...record, revokedAt: 1_200_000 }, {}, record.lastUsedAt + 10, 10)).toBe('revoked');
  });

  it('is idle exactly idleTimeout after the last use, and never with no idle timeout', () => {
    expect(liveness(record, {}, record.lastUsedAt + 9, 10)).toBeUndefined();
    expect(liveness(record, {}, record.lastUsedAt + 10, 10)).toBe('idle');
    expect(liveness(record, {}, record.lastUsedAt + 11, 10)).toBe('idle');
    expect(liveness(record, {}, record.expiresAt - 1, 0)).toBeUndefined();
    expect(liveness({ ...record, lastUsedAt: record.expiresAt }, {}, record.expiresAt - 1, 10)).toBeUndefined();
  });

  it('reads only epochs the store set: kinds named like Object properties have none by default', () => {
    for (const kind of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(epochOf({}, kind)).toBe(0);
      expect(liveness({ ...record, kind }, {}, 1_300_000, 0)).toBeUndefined();
      const own = JSON.parse(`{"${kind}": ${record.createdAt}}`) as Record<string, number>;
      expect(epochOf(own, kind)).toBe(record.createdAt);
      expect(liveness({ ...record, kind }, own, 1_300_000, 0)).toBe('revoked');
    }
    expect(epochOf({ browser: 5 }, 'browser')).toBe(5);
  });
});

describe('what the app sees of a session', () => {
  it('is the record without the secret hash', () => {
    const { secretHash: _hash, ...rest } = record;
    expect(toSession(record)).toStrictEqual({ ...rest, persistent: undefined, impersonatorId: undefined, rotatedAt: undefined });
    expect(toSession(record, 1_600_000)).toStrictEqual({ ...rest, persistent: undefined, impersonatorId: undefined, rotatedAt: undefined, lastUsedAt: 1_600_000 });
    expect(toSession({ ...record, persistent: false }).persistent).toBe(false);
    // A rotated session says when, never the hash of the secret it replaced nor the rotation's salt.
    const rotated = toSession({ ...record, previousSecretHash: new Uint8Array(32), rotatedAt: 1_500_000, rotationSalt: 'salt' });
    expect([rotated.rotatedAt, 'previousSecretHash' in rotated, 'rotationSalt' in rotated]).toEqual([1_500_000, false, false]);
  });

  it('lists a session with its device label, relative last use and whether it is the current one', () => {
    expect(toView(record, record.id, record.lastUsedAt + 3 * 3_600_000, 'en')).toStrictEqual({
      id: record.id,
      kind: 'browser',
      deviceLabel: 'Chrome on Mac OS',
      browser: 'Chrome',
      os: 'Mac OS',
      deviceType: 'desktop',
      createdAt: record.createdAt,
      lastUsedAt: record.lastUsedAt,
      authenticatedAt: record.authenticatedAt,
      lastUsed: '3 hours ago',
      expiresAt: record.expiresAt,
      current: true,
      ip: '203.0.113.7',
      tenantId: 'acme',
      impersonatorId: undefined,
      federated: undefined,
    });
    const federated = { iss: 'https://idp.example', sub: 'ada', sid: 's1' };
    expect(toView({ ...record, federated }, record.id, record.lastUsedAt, 'en').federated).toEqual(federated);
    expect(toView(record, 'another', record.lastUsedAt, 'en').current).toBe(false);
    expect(toView(record, undefined, record.lastUsedAt, 'en').current).toBe(false);
  });

  it('lists a support session as support access by the agent, whatever the device', () => {
    const view = toView({ ...record, impersonatorId: 'agent-7' }, undefined, record.lastUsedAt, 'en');
    expect([view.deviceLabel, view.impersonatorId, view.browser]).toEqual(['Support access by agent-7', 'agent-7', 'Chrome']);
    expect(toSession({ ...record, impersonatorId: 'agent-7' }).impersonatorId).toBe('agent-7');
  });
});
