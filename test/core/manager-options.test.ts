import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { overriding } from '../support/overriding.js';
import { createSessionManager, isSessionError, memoryStore, type SessionStore } from '../../src/index.js';

function refusal(make: () => unknown): { code: string; message: string } {
  try {
    make();
  } catch (error) {
    if (isSessionError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('createSessionManager refuses what it cannot honour, at startup', () => {
  it.each([
    [{ maxSession: 3 }, 'maxSession'],
    [{ policy: { globalLogut: true } }, 'globalLogut'],
    [{ kinds: { api: { maxAge: 60_000, idle: 5 } } }, 'idle'],
    [{ accessTokens: { secrt: 'x'.repeat(40) } }, 'secrt'],
  ])('an unknown option %j is refused by name', (options, name) => {
    const refused = refusal(() => createSessionManager(options as never));
    expect(refused.code).toBe('INVALID_CONFIGURATION');
    expect(refused.message).toContain(`"${name}"`);
  });

  it.each([
    [{ accessTokens: { secret: 12345 } }, 'accessTokens.secret'],
    [{ accessTokens: { privateKey: 'PEM text', publicKey: 'PEM text' } }, 'accessTokens.privateKey'],
    [{ accessTokens: { secret: 'x'.repeat(40), ttl: '5m' } }, 'accessTokens.ttl'],
    [{ accessTokens: { keys: [{ alg: 'none', secret: 'x'.repeat(40) }] } }, 'Access-token algorithm "none"'],
    [{ accessTokens: { keys: [{ alg: 'HS256', secret: 42 }] } }, 'accessTokens.keys[0].secret'],
    [{ accessTokens: { secret: 'x'.repeat(40), issuer: 7 } }, 'accessTokens.issuer'],
    [{ storeTimeout: -1 }, 'storeTimeout'],
    [{ storeTimeout: 1.5 }, 'storeTimeout'],
    [{ clock: 'now' }, 'clock'],
    [{ onError: true }, 'onError'],
    [{ deviceParser: {} }, 'deviceParser'],
    [{ kinds: { api: { replaceDevice: 'yes' } } }, 'kinds.api.replaceDevice'],
    [{ kinds: [] }, 'kinds'],
    [{ kinds: { remember: { rotateAfter: -1 } } }, 'kinds.remember.rotateAfter'],
    [{ kinds: { remember: { rotateAfter: '15m' } } }, 'kinds.remember.rotateAfter'],
    [{ kinds: { remember: { rotateAfter: 60_000, rotationGrace: 1.5 } } }, 'kinds.remember.rotationGrace'],
    [{ kinds: { remember: { rotateAfter: 60_000, rotationGrace: 60_001 } } }, 'kinds.remember.rotationGrace (60001 ms) must be from 1,000 ms to half of kinds.remember.rotateAfter (30000 ms).'],
    // Servers whose clocks differ would take a request from before one rotation, meeting the next, for reuse.
    [{ kinds: { remember: { rotateAfter: 60_000, rotationGrace: 30_001 } } }, 'kinds.remember.rotationGrace (30001 ms) must be from 1,000 ms to half of'],
    [{ kinds: { remember: { rotateAfter: 60_000 } } }, 'kinds.remember.rotationGrace (60000 ms)'],
    // A browser's own parallel requests would be reuse.
    [{ kinds: { remember: { rotateAfter: 60_000, rotationGrace: 0 } } }, 'kinds.remember.rotationGrace (0 ms) must be from 1,000 ms'],
    [{ kinds: { remember: { rotateAfter: 60_000, rotationGrace: 999 } } }, 'kinds.remember.rotationGrace (999 ms) must be from 1,000 ms'],
    [{ kinds: { remember: { rotateAfter: 30_000 } } }, 'kinds.remember.rotationGrace (60000 ms)'],
    [{ kinds: { api: { rotateAfter: 60_000 } } }, 'kinds.api.rotateAfter: api tokens are bearer tokens'],
    [{ kinds: { impersonation: { rotateAfter: 60_000 } } }, 'kinds.impersonation.rotateAfter'],
    [{ policy: { onPasswordChange: 'some' } }, 'policy.onPasswordChange'],
    [{ everywhereKinds: [] }, 'everywhereKinds'],
    [{ store: { get: () => null } }, 'store'],
  ])('%j is refused, naming %s', (options, name) => {
    const refused = refusal(() => createSessionManager(options as never));
    expect(refused.code).toBe('INVALID_CONFIGURATION');
    expect(refused.message).toContain(name);
  });

  it('accepts rotation on cookie kinds, a grace up to half of rotateAfter, and a grace alone (rotation off)', () => {
    expect(() => createSessionManager({ kinds: { remember: { rotateAfter: 120_000 }, browser: { rotateAfter: 2_000, rotationGrace: 1_000 }, api: { rotationGrace: 5 } } })).not.toThrow();
  });

  it('accepts key objects and JWKs for key pairs', () => {
    const pair = generateKeyPairSync('ed25519');
    expect(() => createSessionManager({ accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey } })).not.toThrow();
    const jwk = pair.publicKey.export({ format: 'jwk' });
    expect(() => createSessionManager({ store: memoryStore(), accessTokens: { publicKey: jwk } })).not.toThrow();
  });
});

describe('storeTimeout', () => {
  const hanging = (inner: SessionStore): SessionStore => overriding(inner, { get: () => new Promise(() => undefined) });

  it('a store that never answers is STORE_UNAVAILABLE after the deadline, not a hung request', async () => {
    const inner = memoryStore();
    const { token } = await createSessionManager({ store: inner }).create({ userId: 'u1' });
    const sessions = createSessionManager({ store: hanging(inner), storeTimeout: 100 });
    const started = performance.now();
    await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('storeTimeout') });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(99);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("waits for a store's own longer deadline: a slow answer that comes is taken", async () => {
    const inner = memoryStore();
    const { token } = await createSessionManager({ store: inner }).create({ userId: 'u1' });
    const slow = (ms: number) => ({ ...overriding(inner, { get: (id) => new Promise((resolve) => setTimeout(() => resolve(inner.get(id)), ms)) }) });
    const patient = createSessionManager({ store: { ...slow(300), callTimeout: 5_000 }, storeTimeout: 100 });
    await expect(patient.validate(token)).resolves.toMatchObject({ ok: true });
    const impatient = createSessionManager({ store: slow(300), storeTimeout: 100 });
    await expect(impatient.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it("refuses a store that never answers at the store's own longer deadline, not later: one deadline", async () => {
    const inner = memoryStore();
    const { token } = await createSessionManager({ store: inner }).create({ userId: 'u1' });
    const sessions = createSessionManager({ store: { ...hanging(inner), callTimeout: 200 }, storeTimeout: 50 });
    const started = performance.now();
    await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('within 200 ms') });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(199);
    // The sweep refuses between 1x and 1.25x the deadline; a second deadline stacked on top would be later.
    expect(elapsed).toBeLessThan(1_000);
  });

  it('0 turns the deadline off; a store error still becomes a SessionError', async () => {
    const failing: SessionStore = overriding(memoryStore(), { get: () => Promise.reject(new TypeError('driver bug')) });
    const sessions = createSessionManager({ store: failing, storeTimeout: 0 });
    await expect(sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });

  it('a store method that throws synchronously is a STORE_ERROR, not a bare throw', async () => {
    const throwing: SessionStore = overriding(memoryStore(), {
      get: () => {
        throw new RangeError('sync');
      },
    });
    const sessions = createSessionManager({ store: throwing });
    await expect(sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });
});
