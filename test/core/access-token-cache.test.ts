import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { EpochCache } from '../../src/epoch-cache.js';
import type { RevocationState } from '../../src/storage/index.js';

const SECRET = 'access-token-cache-test-secret-0123456789';

// A memory store that records every read of a user as "user" or "user@tenant".
function countingStore() {
  const store = memoryStore();
  const reads: string[] = [];
  const read = store.readUser.bind(store);
  store.readUser = (userId: string, tenantId?: string, sessionId?: string | null) => {
    reads.push(tenantId === undefined ? userId : `${userId}@${tenantId}`);
    return read(userId, tenantId, sessionId);
  };
  return { store, reads };
}

// Signs each name's user in (with its tenant, if any) and answers each name's access token.
async function signedIn(sessions: ReturnType<typeof createSessionManager>, who: Record<string, readonly [string, string?]>) {
  const tokens: Record<string, string> = {};
  for (const [name, [userId, tenantId]] of Object.entries(who)) {
    const { session } = await sessions.create({ userId, tenantId });
    tokens[name] = await sessions.issueAccessToken(session);
  }
  return tokens;
}

// Verifies every token; answers each one's outcome and the reads it took.
async function verifyAll(sessions: ReturnType<typeof createSessionManager>, reads: string[], tokens: Record<string, string>) {
  reads.length = 0;
  const outcomes: Record<string, boolean | string> = {};
  for (const [name, jwt] of Object.entries(tokens)) {
    const verified = await sessions.verifyAccessToken(jwt);
    outcomes[name] = verified.ok ? true : verified.reason;
  }
  return { outcomes, reads: [...reads].sort() };
}

describe('the revocation state cached for access tokens is dropped only where a revocation reaches', () => {
  it("a user's revocation drops that user's copies, with and without a tenant; the others stay cached", async () => {
    const { store, reads } = countingStore();
    const sessions = createSessionManager({ store, accessTokens: { secret: SECRET } });
    const tokens = await signedIn(sessions, { adaAcme: ['ada', 'acme'], ada: ['ada'], bobAcme: ['bob', 'acme'], bob: ['bob'] });
    expect((await verifyAll(sessions, reads, tokens)).reads).toEqual(['ada', 'ada@acme', 'bob', 'bob@acme']);
    expect((await verifyAll(sessions, reads, tokens)).reads).toEqual([]);

    await sessions.revokeAll('ada');
    expect(await verifyAll(sessions, reads, tokens)).toEqual({
      outcomes: { adaAcme: 'revoked', ada: 'revoked', bobAcme: true, bob: true },
      reads: ['ada', 'ada@acme'],
    });
    await sessions.close();
  });

  it("a tenant's revocation drops that tenant's copies only: another tenant's and tenantless states stay cached", async () => {
    const { store, reads } = countingStore();
    const sessions = createSessionManager({ store, accessTokens: { secret: SECRET } });
    const tokens = await signedIn(sessions, { adaAcme: ['ada', 'acme'], ada: ['ada'], bobAcme: ['bob', 'acme'], bobGlobex: ['bob', 'globex'] });
    await verifyAll(sessions, reads, tokens);

    await sessions.revokeTenant('acme');
    expect(await verifyAll(sessions, reads, tokens)).toEqual({
      outcomes: { adaAcme: 'revoked', ada: true, bobAcme: 'revoked', bobGlobex: true },
      reads: ['ada@acme', 'bob@acme'],
    });
    await sessions.close();
  });

  it("another instance sharing the store drops the same copies when the store's notice arrives", async () => {
    const { store, reads } = countingStore();
    const issuer = createSessionManager({ store, accessTokens: { secret: SECRET } });
    const verifier = createSessionManager({ store, accessTokens: { secret: SECRET } });
    const tokens = await signedIn(issuer, { adaAcme: ['ada', 'acme'], ada: ['ada'], bobAcme: ['bob', 'acme'], carolGlobex: ['carol', 'globex'] });
    await verifyAll(verifier, reads, tokens);

    await issuer.revokeAll('ada');
    expect(await verifyAll(verifier, reads, tokens)).toEqual({
      outcomes: { adaAcme: 'revoked', ada: 'revoked', bobAcme: true, carolGlobex: true },
      reads: ['ada', 'ada@acme'],
    });
    await issuer.revokeTenant('acme');
    expect(await verifyAll(verifier, reads, tokens)).toEqual({
      outcomes: { adaAcme: 'revoked', ada: 'revoked', bobAcme: 'revoked', carolGlobex: true },
      reads: ['ada@acme', 'bob@acme'],
    });
    await issuer.close();
    await verifier.close();
  });
});

describe('EpochCache groups', () => {
  const state: RevocationState = { epochs: {}, denied: {} } as unknown as RevocationState;
  const pairCache = (capacity: number, loads: string[]) =>
    new EpochCache({
      ttl: 60_000,
      capacity,
      clock: () => 1_000,
      load: async (key) => {
        loads.push(key);
        return state;
      },
      groupsOf: (key) => key.split('@'),
    });

  it('invalidating a group drops exactly its keys, and a key that left and came back is in its groups again', async () => {
    const loads: string[] = [];
    const cache = pairCache(2, loads);
    await cache.get('ada@acme');
    await cache.get('bob@acme');
    await cache.get('carol@globex'); // over capacity: ada@acme leaves
    await cache.get('ada@acme'); // back in; bob@acme leaves
    loads.length = 0;
    cache.invalidateGroup('acme');
    await cache.get('carol@globex');
    await cache.get('ada@acme');
    expect(loads).toEqual(['ada@acme']);
  });

  it('a key dropped by invalidate() or by a failed load and then loaded again is dropped by its group, and only its own group', async () => {
    const loads: string[] = [];
    let fail = true;
    const cache = new EpochCache({
      ttl: 60_000,
      capacity: 10,
      clock: () => 1_000,
      load: async (key) => {
        loads.push(key);
        if (fail) throw new Error('down');
        return state;
      },
      groupsOf: (key) => key.split('@'),
    });
    await expect(cache.get('ada@acme')).rejects.toThrow('down');
    fail = false;
    await cache.get('bob@acme');
    cache.invalidate('bob@acme');
    await cache.get('bob@acme');
    await cache.get('ada@acme');
    loads.length = 0;
    cache.invalidateGroup('ada');
    await cache.get('bob@acme');
    await cache.get('ada@acme');
    expect(loads).toEqual(['ada@acme']);
  });
});

describe('EpochCache', () => {
  const state = { epochs: {}, denied: {} } as unknown as RevocationState;
  function cacheWith(options: { ttl?: number; capacity?: number; grouped?: boolean } = {}) {
    const loads: string[] = [];
    let now = 1_000;
    const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
    let deferred = false;
    const cache = new EpochCache({
      ttl: options.ttl ?? 60_000,
      capacity: options.capacity ?? 10,
      clock: () => now,
      load: (key) => {
        loads.push(key);
        if (!deferred) return Promise.resolve(state);
        return new Promise((resolve, reject) => pending.set(key, { resolve: () => resolve(state), reject }));
      },
      ...(options.grouped === false ? {} : { groupsOf: (key: string) => key.split('@') }),
    });
    return {
      cache,
      loads,
      at: (ms: number) => void (now = ms),
      defer: (on: boolean) => void (deferred = on),
      pending,
      takeLoads: () => loads.splice(0),
    };
  }

  it('with a TTL of 0 reads the store on every call', async () => {
    const { cache, takeLoads } = cacheWith({ ttl: 0 });
    await cache.get('ada');
    await cache.get('ada');
    expect(takeLoads()).toEqual(['ada', 'ada']);
  });

  it('reads again once the TTL has run out, or when the clock went back', async () => {
    const { cache, at, takeLoads } = cacheWith({ ttl: 100 });
    await cache.get('ada');
    at(1_099);
    await cache.get('ada');
    expect(takeLoads()).toEqual(['ada']);
    at(1_100);
    await cache.get('ada');
    expect(takeLoads()).toEqual(['ada']);
    at(1_050);
    await cache.get('ada');
    expect(takeLoads()).toEqual(['ada']);
  });

  it('lets the least recently used key go first, a key read again after its TTL counting as used', async () => {
    const { cache, at, takeLoads } = cacheWith({ ttl: 100, capacity: 2 });
    await cache.get('ada');
    await cache.get('bob');
    at(1_200);
    await cache.get('ada'); // out of date: read again, and now the most recently used
    await cache.get('carol'); // over capacity: bob leaves
    takeLoads();
    await cache.get('ada');
    await cache.get('bob');
    expect(takeLoads()).toEqual(['bob']);
  });

  it("a failed read leaves the cache, but never takes a newer read's entry with it", async () => {
    const { cache, defer, pending, takeLoads } = cacheWith();
    defer(true);
    const first = cache.get('ada');
    const failed = pending.get('ada')!;
    cache.invalidate('ada');
    const second = cache.get('ada');
    pending.get('ada')!.resolve();
    await second;
    failed.reject(new Error('down'));
    await expect(first).rejects.toThrow('down');
    defer(false);
    takeLoads();
    await cache.get('ada');
    expect(takeLoads()).toEqual([]);
  });

  it('holds a group only while one of its keys is cached', async () => {
    const { cache, defer, pending } = cacheWith({ capacity: 2 });
    await cache.get('ada@acme');
    await cache.get('bob@acme');
    expect(cache.groupCount).toBe(3); // ada, bob, acme
    await cache.get('carol@globex'); // ada@acme leaves: ada goes, acme stays for bob
    expect(cache.groupCount).toBe(4); // bob, acme, carol, globex
    cache.invalidate('bob@acme');
    expect(cache.groupCount).toBe(2);
    cache.invalidate('nobody@acme'); // not cached: nothing to do
    cache.invalidateGroup('acme');
    expect(cache.groupCount).toBe(2);
    defer(true);
    const failing = cache.get('dan@initech');
    expect(cache.groupCount).toBe(4);
    pending.get('dan@initech')!.reject(new Error('down'));
    await expect(failing).rejects.toThrow('down');
    expect(cache.groupCount).toBe(2);
    cache.clear();
    expect(cache.groupCount).toBe(0);
  });

  it('without groupsOf keeps no groups', async () => {
    const { cache } = cacheWith({ grouped: false });
    await cache.get('ada@acme');
    cache.invalidateGroup('acme');
    expect(cache.groupCount).toBe(0);
    cache.invalidate('ada@acme');
  });
});
