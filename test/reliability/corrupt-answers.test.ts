import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overriding } from '../support/overriding.js';
import { createSessionManager, isSessionError, memoryStore, type SessionStore } from '../../src/index.js';
import type { SessionLookup } from '../../src/store.js';
import { record } from './support/figures.js';

/**
 * A store that answers with damaged data (a buggy adapter, corrupted rows, a half-applied
 * migration): thousands of fuzzed answers, and not one dead session let in, not one error
 * that is not a SessionError.
 */

const RUNS = 4_000;
const SECRET = 'reliability-suite-hs256-secret-0123456789';

const notFinite = fc.anything().filter((value) => typeof value !== 'number' || !Number.isFinite(value));
const notString = fc.anything().filter((value) => typeof value !== 'string');
const notObject = fc.anything().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value));

type Damage = (found: SessionLookup) => unknown;

// Every damage is malformed, never a well-formed lie (a store that says "not revoked" in a
// valid shape cannot be told from the truth).
const damage: fc.Arbitrary<{ readonly label: string; readonly apply: Damage }> = fc.oneof(
  fc.anything().map((value) => ({ label: 'whole answer', apply: () => value })),
  fc.constantFrom('createdAt', 'expiresAt', 'lastUsedAt').chain((field) =>
    notFinite.map((value) => ({ label: field, apply: (found: SessionLookup) => ({ ...found, session: { ...found.session, [field]: value } }) })),
  ),
  notFinite
    .filter((value) => value !== undefined)
    .map((value) => ({ label: 'revokedAt', apply: (found: SessionLookup) => ({ ...found, session: { ...found.session, revokedAt: value } }) })),
  fc.constantFrom('id', 'userId', 'kind').chain((field) =>
    notString.map((value) => ({ label: field, apply: (found: SessionLookup) => ({ ...found, session: { ...found.session, [field]: value } }) })),
  ),
  fc.anything()
    .filter((value) => !(value instanceof Uint8Array))
    .map((value) => ({ label: 'secretHash', apply: (found: SessionLookup) => ({ ...found, session: { ...found.session, secretHash: value } }) })),
  notObject.map((value) => ({ label: 'session', apply: (found: SessionLookup) => ({ ...found, session: value }) })),
  notObject.map((value) => ({ label: 'epochs', apply: (found: SessionLookup) => ({ ...found, epochs: value }) })),
  notFinite
    .filter((value) => value !== undefined)
    .map((value) => ({ label: 'epoch', apply: (found: SessionLookup) => ({ ...found, epochs: { ...found.epochs, [found.session.kind]: value } }) })),
);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const malformedState = fc.oneof(
  fc.anything().filter((value) => !(isPlainObject(value) && isPlainObject(value['epochs']) && isPlainObject(value['denied']))),
  notObject.map((epochs) => ({ epochs, denied: {} })),
  notFinite.filter((value) => value !== undefined).map((epoch) => ({ epochs: { browser: epoch }, denied: {} })),
  notObject.map((denied) => ({ epochs: {}, denied })),
  notFinite.filter((value) => value !== undefined).map((until) => ({ epochs: {}, denied: { someone: until } })),
);

describe('a store answering malformed data never lets a dead session in', () => {
  it(`validate over ${RUNS} fuzzed get() answers for revoked and expired sessions`, async () => {
    let now = Date.now();
    const inner = memoryStore();
    const honest = createSessionManager({ store: inner, clock: () => now, maxAge: 60_000 });
    const revokedUser = 'revoked-user';
    const byEpoch = await honest.create({ userId: revokedUser });
    await honest.revokeAll(revokedUser);
    const byId = await honest.create({ userId: 'single-revoked' });
    await honest.revoke(byId.session.id);
    const expired = await honest.create({ userId: 'expired-user', kind: 'api' });
    now += 120_000;
    const dead = [byEpoch.token, byId.token, expired.token];

    let current: Damage = (found) => found;
    const damaged: SessionStore = overriding(inner, { get: async (sessionId) => (await inner.get(sessionId).then((found) => (found === null ? null : current(found)))) as SessionLookup | null });
    const sessions = createSessionManager({ store: damaged, clock: () => now, maxAge: 60_000 });
    let tried = 0;
    const violations: string[] = [];
    await fc.assert(
      fc.asyncProperty(damage, fc.constantFrom(...dead), async ({ label, apply }, token) => {
        current = apply;
        tried += 1;
        try {
          const result = await sessions.validate(token);
          if (result.ok) violations.push(`${label}: let in`);
        } catch (error) {
          if (!isSessionError(error)) violations.push(`${label}: threw ${String(error)}`);
        }
      }),
      { numRuns: RUNS },
    );
    record('corrupted store answers: validate', { hostile: tried, violations: violations.length });
    expect(violations).toEqual([]);
  });

  it(`verifyAccessToken over ${RUNS / 4} fuzzed revocation states`, async () => {
    const inner = memoryStore();
    let answer: unknown;
    let fuzzing = false;
    // Once fuzzing: the user's epochs and deny-list as fuzzed, the rest of a user's state as an empty user's.
    const damaged: SessionStore = overriding(inner, {
      readUser: async (userId, tenantId, sessionId) => {
        if (!fuzzing) return inner.readUser(userId, tenantId, sessionId);
        return (isPlainObject(answer) ? { version: 0, sessions: [], highWater: {}, tenantEpochs: {}, devices: {}, ...answer } : answer) as never;
      },
    });
    const sessions = createSessionManager({ store: damaged, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
    const { session } = await sessions.create({ userId: 'token-user' });
    const jwt = await sessions.issueAccessToken(session);
    let tried = 0;
    const violations: string[] = [];
    fuzzing = true;
    await fc.assert(
      fc.asyncProperty(malformedState, async (state) => {
        answer = state;
        tried += 1;
        try {
          const verified = await sessions.verifyAccessToken(jwt);
          if (verified.ok) violations.push(`let in with ${JSON.stringify(state)}`);
        } catch (error) {
          if (!isSessionError(error)) violations.push(`threw ${String(error)}`);
        }
      }),
      { numRuns: RUNS / 4 },
    );
    record('corrupted store answers: verifyAccessToken', { hostile: tried, violations: violations.length });
    expect(violations).toEqual([]);
  });
});
