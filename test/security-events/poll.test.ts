import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError, type SessionManager, type SessionStore } from '../../src/index.js';
import { MAX_ROUNDS, pollWhileMore } from '../../src/security-events/poll.js';
import { keyName } from '../../src/storage/index.js';
import type { Batch } from '../../src/store.js';
import { SHARED_STORE_KINDS } from '../federated/support/shared-stores.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// RFC 8936 (Poll-Based SET Token Delivery Using HTTP) as the receiver: section 2.4's request
// ({ ack, setErrs, maxEvents, returnImmediately }), section 2.4.4's error reports, and
// moreAvailable; the timer takes turns between instances as pruning does.

const jtiOf = (set: string): string => JSON.parse(Buffer.from(set.split('.')[1]!, 'base64url').toString('utf8')).jti as string;

describe('pollSecurityEvents(): one round', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterEach(async () => {
    await sessions.close();
    await tx.close();
  });
  const signedIn = (sid: string) => sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid } });
  const revokes = (sid: string) => tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: sid } });
  const live = async (token: string) => (await sessions.validate(token)).ok;

  it('acknowledges what a round accepted, and reports in setErrs what it refused, at once in an acknowledge-only request (RFC 8936 section 2.4)', async () => {
    const one = await signedIn('sid-1');
    const two = await signedIn('sid-2');
    const kept = await signedIn('sid-3');
    const accepted = [await revokes('sid-1'), await revokes('sid-2')];
    const forged = await tx.sign({ subject: { format: 'opaque', id: 'sid-3' }, claims: { aud: 'https://someone-else.example' } });
    tx.queue(...accepted, forged);
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl, maxEvents: 10 };

    expect(await sessions.pollSecurityEvents(options)).toEqual({ accepted: 2, refused: 1, moreAvailable: false });
    expect([await live(one.token), await live(two.token), await live(kept.token)]).toEqual([false, false, true]);
    expect(tx.polls).toEqual([
      { authorization: undefined, ack: [], setErrs: {}, maxEvents: 10 },
      { authorization: undefined, ack: accepted.map(jtiOf), setErrs: { [jtiOf(forged)]: { err: 'invalid_audience', description: expect.any(String) } }, maxEvents: 0 },
    ]);
    // Acknowledged and reported: the transmitter holds nothing more for the receiver, though it never polls again.
    expect(tx.pending).toEqual([]);
    // A round that receives nothing owes nothing, and sends no acknowledgement.
    expect(await sessions.pollSecurityEvents(options)).toEqual({ accepted: 0, refused: 0, moreAvailable: false });
    expect(tx.polls.slice(2)).toEqual([{ authorization: undefined, ack: [], setErrs: {}, maxEvents: 10 }]);
  });

  it('sends the configured Authorization; a refused poll rejects KEYS_UNAVAILABLE', async () => {
    tx.pollAuthorization = 'Bearer poll-secret';
    const session = await signedIn('sid-1');
    const set = await revokes('sid-1');
    tx.queue(set);
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl, authorization: 'Bearer poll-secret' };
    expect(await sessions.pollSecurityEvents(options)).toMatchObject({ accepted: 1 });
    expect(await live(session.token)).toBe(false);

    const refused = await sessions.pollSecurityEvents({ ...options, authorization: 'Bearer wrong' }).catch((error: unknown) => error);
    expect(isSessionError(refused) && refused.code).toBe('KEYS_UNAVAILABLE');
    expect((refused as Error).message).toContain('answered 401');
    expect(tx.polls.map((poll) => [poll.authorization, poll.ack])).toEqual([
      ['Bearer poll-secret', []],
      ['Bearer poll-secret', [jtiOf(set)]],
      ['Bearer wrong', []],
    ]);
    expect(tx.pending).toEqual([]);
  });

  it('an acknowledgement that fails goes to onError; the round still answers, and the next round sends what was owed', async () => {
    const errors: unknown[] = [];
    const receiver = createSessionManager({ store: sessions.store, onError: (error) => void errors.push(error) });
    const set = await revokes('sid-1');
    tx.queue(set);
    tx.pollAnswers = [undefined, 503];
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl };
    expect(await receiver.pollSecurityEvents(options)).toEqual({ accepted: 1, refused: 0, moreAvailable: false });
    expect(errors).toEqual([expect.objectContaining({ code: 'KEYS_UNAVAILABLE', message: expect.stringContaining('answered 503') })]);
    expect(tx.pending).toEqual([set]);
    await receiver.pollSecurityEvents(options);
    expect(tx.polls.map((poll) => [poll.ack, poll.maxEvents])).toEqual([[[], 100], [[jtiOf(set)], 0], [[jtiOf(set)], 100]]);
    expect(tx.pending).toEqual([]);
  });

  it('an acknowledgement answered 204 or 202 without a body is taken', async () => {
    const errors: unknown[] = [];
    const receiver = createSessionManager({ store: sessions.store, onError: (error) => void errors.push(error) });
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl };
    for (const status of [204, 202]) {
      tx.queue(await revokes(`sid-${status}`));
      tx.pollAnswers = [undefined, status];
      expect(await receiver.pollSecurityEvents(options)).toMatchObject({ accepted: 1 });
    }
    expect(errors).toEqual([]);
    expect(tx.pending).toEqual([]);
    await receiver.pollSecurityEvents(options);
    expect(tx.polls.at(-1)).toMatchObject({ ack: [], maxEvents: 100 });
  });

  it('a SET delivered again after its acknowledgement was lost ends nothing twice, and is acknowledged', async () => {
    const session = await signedIn('sid-1');
    const set = await revokes('sid-1');
    tx.queue(set);
    tx.pollAnswers = [undefined, 503];
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl };
    const first = createSessionManager({ store: sessions.store, onError: () => {} });
    await first.pollSecurityEvents(options);
    // Another instance (its own, empty memory of what it owes) receives the same SET again.
    const other = createSessionManager({ store: sessions.store });
    const revoked: string[] = [];
    other.on('session.revoked', (event) => void revoked.push(...(event.sessionIds ?? [])));
    // (Not closed: closing them would close the store they share; they hold no timer.)
    expect(await other.pollSecurityEvents(options)).toEqual({ accepted: 1, refused: 0, moreAvailable: false });
    expect(tx.polls.at(-1)!.ack).toEqual([jtiOf(set)]);
    expect(tx.pending).toEqual([]);
    expect(revoked).toEqual([]);
    expect(await live(session.token)).toBe(false);
  });

  it('a store that fails mid-round: the round rejects, nothing is acknowledged for the SET it could not judge, and it ends its session when delivered again', async () => {
    const session = await signedIn('sid-1');
    const set = await revokes('sid-1');
    tx.queue(set);
    let down = true;
    const store = sessions.store;
    // A claim of a SET's id (a one-time key put if absent) fails as a dropped connection does.
    const flaky: SessionStore = {
      ...store,
      apply: (batch) => (down && 'key' in batch.owner && batch.writes[0]?.type === 'putKey' ? Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset')) : store.apply(batch)),
    };
    const receiver = createSessionManager({ store: flaky, onError: () => {} });
    try {
      const options = { transmitter: tx.config(), endpoint: tx.pollUrl };
      await expect(receiver.pollSecurityEvents(options)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await live(session.token)).toBe(true);
      down = false;
      expect(await receiver.pollSecurityEvents(options)).toMatchObject({ accepted: 1 });
      expect(tx.polls.map((poll) => [poll.ack, poll.setErrs, poll.maxEvents])).toEqual([[[], {}, 100], [[], {}, 100], [[jtiOf(set)], {}, 0]]);
      expect(await live(session.token)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it("a SET whose resolveSubject throws does not hold up the others: they are judged and acknowledged, it stays queued, and the round rejects with the error", async () => {
    const [before, after] = [await signedIn('sid-1'), await signedIn('sid-2')];
    const poison = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'email', email: 'broken@example.com' } });
    tx.queue(await revokes('sid-1'), poison, await revokes('sid-2'));
    const resolveSubject = () => Promise.reject(new Error('directory lookup failed'));
    const options = { transmitter: tx.config({ resolveSubject }), endpoint: tx.pollUrl };
    await expect(sessions.pollSecurityEvents(options)).rejects.toThrow('directory lookup failed');
    expect([await live(before.token), await live(after.token)]).toEqual([false, false]);
    expect(tx.pending).toEqual([poison]);
    expect(tx.polls.at(-1)).toMatchObject({ maxEvents: 0, setErrs: {} });
  });

  it('a SET that fails on its own, then an outage: the round rejects with the outage, and the SET\'s own error goes to onError', async () => {
    const poison = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'email', email: 'broken@example.com' } });
    const session = await signedIn('sid-1');
    tx.queue(poison, await revokes('sid-1'));
    const store = sessions.store;
    const flaky: SessionStore = { ...store, apply: () => Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset')) };
    const errors: unknown[] = [];
    const receiver = createSessionManager({ store: flaky, onError: (error) => void errors.push(error) });
    const resolveSubject = () => Promise.reject(new Error('directory lookup failed'));
    await expect(receiver.pollSecurityEvents({ transmitter: tx.config({ resolveSubject }), endpoint: tx.pollUrl })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(errors).toEqual([new Error('directory lookup failed')]);
    expect(tx.pending).toHaveLength(2);
    expect(await live(session.token)).toBe(true);
  });

  it('reports a refused SET under the id the transmitter gave it, even "__proto__"', async () => {
    const forged = await tx.sign({ claims: { jti: '__proto__', aud: 'https://someone-else.example' }, subject: { format: 'opaque', id: 'sid-1' } });
    tx.queue(forged);
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl };
    expect(await sessions.pollSecurityEvents(options)).toMatchObject({ refused: 1 });
    await sessions.pollSecurityEvents(options);
    expect(Object.keys(tx.polls[1]!.setErrs)).toEqual(['__proto__']);
    expect(tx.pending).toEqual([]);
  });

  it('tells onRefused of each SET it refuses, as securityEvent() does', async () => {
    tx.queue(await tx.sign({ subject: { format: 'opaque', id: 'sid-9' }, claims: { aud: 'https://someone-else.example' } }), await revokes('sid-8'));
    const reports: unknown[] = [];
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl, onRefused: (report: unknown) => void reports.push(report) };
    expect(await sessions.pollSecurityEvents(options)).toEqual({ accepted: 1, refused: 1, moreAvailable: false });
    expect(reports).toEqual([{ err: 'invalid_audience', description: expect.any(String), issuer: tx.issuer }]);
  });

  it('refuses options it cannot use before any request', async () => {
    const bad = [
      { transmitter: tx.config(), endpoint: 'http://transmitter.example/poll' },
      { transmitter: tx.config(), endpoint: tx.pollUrl, maxEvents: 0 },
      { transmitter: tx.config({ algorithms: ['HS256'] }), endpoint: tx.pollUrl },
      { transmitter: tx.config(), endpoint: tx.pollUrl, authorization: 'Bearer x\r\nX-Injected: 1' },
      { transmitter: tx.config(), endpoint: tx.pollUrl, every: 5 },
      { transmitter: tx.config(), endpoint: tx.pollUrl, onRefused: 'log' },
    ];
    for (const options of bad) await expect(sessions.pollSecurityEvents(options as never)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    expect(tx.polls).toEqual([]);
  });
});

describe('pollSecurityEvents(): an answer larger than it can be, or that stalls', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let server: Server;
  let sent: number;
  let stall: { set: string; closed?: Promise<unknown> };
  // maxEvents 1: one SET of 64 KiB with 1 KiB for its id and 64 KiB for the rest, raised to a provider document's 1 MiB.
  const LIMIT = 1024 * 1024;
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
    sent = 0;
    server = createServer((request, response) => {
      request.resume();
      if (request.url === '/stall') {
        // Headers and a SET, then nothing more: only the poll's timeout ends the answer.
        stall.closed = once(request.socket, 'close');
        return void response.writeHead(200, { 'content-type': 'application/json' }).write(`{"sets":{"a":"${stall.set}"`);
      }
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
        response.write('{"sets":{');
        return;
      }
      // Chunked, no length declared: up to 4,096 chunks of 16 KiB (64 MiB), as fast as the receiver reads.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"sets":{"a":"');
      const chunk = 'x'.repeat(16 * 1024);
      const more = (): void => {
        while (sent < 4096) {
          sent += 1;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end('"}}');
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sessions.close();
    await tx.close();
  });
  const poll = (path: string) => sessions.pollSecurityEvents({ transmitter: tx.config(), endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, maxEvents: 1 });

  it('is refused KEYS_UNAVAILABLE without being read whole, whether its length is declared or not', async () => {
    await expect(poll('/stream')).rejects.toMatchObject({ code: 'KEYS_UNAVAILABLE', message: expect.stringContaining(`answered more than ${LIMIT} bytes`) });
    expect(sent).toBeLessThan(4096);
    await expect(poll('/declared')).rejects.toMatchObject({ code: 'KEYS_UNAVAILABLE', message: expect.stringContaining(`answered more than ${LIMIT} bytes`) });
  });

  it('ends at its timeout when the body stalls after the headers: KEYS_UNAVAILABLE, nothing accepted, the connection closed', async () => {
    const session = await sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    stall = { set: await tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: 'sid-1' } }) };
    // Fake timers do not reach AbortSignal.timeout: the test's signal stands in for the poll's 10 s,
    // running out once the headers are in, so it is the body read that the timeout ends.
    const timeout = new AbortController();
    vi.spyOn(AbortSignal, 'timeout').mockReturnValue(timeout.signal);
    const fetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (...args) => {
      const response = await fetch(...args);
      timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      return response;
    });
    await expect(poll('/stall')).rejects.toMatchObject({ code: 'KEYS_UNAVAILABLE', message: expect.stringContaining('did not answer in time') });
    expect(AbortSignal.timeout).toHaveBeenCalledWith(10_000);
    await stall.closed;
    expect((await sessions.validate(session.token)).ok).toBe(true);
  });

  it('leaves the next poll of a good transmitter to work', async () => {
    await expect(poll('/stream')).rejects.toMatchObject({ code: 'KEYS_UNAVAILABLE' });
    const session = await sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    tx.queue(await tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: 'sid-1' } }));
    expect(await sessions.pollSecurityEvents({ transmitter: tx.config(), endpoint: tx.pollUrl })).toMatchObject({ accepted: 1 });
    expect((await sessions.validate(session.token)).ok).toBe(false);
  });
});

describe('following moreAvailable', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterEach(async () => {
    await sessions.close();
    await tx.close();
  });
  const verifications = (count: number) => Promise.all(Array.from({ length: count }, () => tx.sign({ type: EVENTS.verification, subject: { format: 'opaque', id: 'stream-1' } })));

  it('runs rounds until the transmitter has no more, each acknowledging what it accepted', async () => {
    const sets = await verifications(5);
    tx.queue(...sets);
    const round = () => sessions.pollSecurityEvents({ transmitter: tx.config(), endpoint: tx.pollUrl, maxEvents: 2 });
    expect(await pollWhileMore(round, () => false)).toEqual({ rounds: 3, moreAvailable: false });
    // pollSecurityEvents() cannot know another round follows: each acknowledges its own at once.
    const acks = [sets.slice(0, 2), sets.slice(2, 4), sets.slice(4)].map((part) => part.map(jtiOf));
    expect(tx.polls.map((poll) => [poll.ack, poll.maxEvents])).toEqual(acks.flatMap((ack) => [[[], 2], [ack, 0]]));
    expect(tx.pending).toEqual([]);
  });

  it(`is bounded: a transmitter that always has more gets ${MAX_ROUNDS} rounds`, async () => {
    tx.queue(...(await verifications(MAX_ROUNDS + 5)));
    const round = () => sessions.pollSecurityEvents({ transmitter: tx.config(), endpoint: tx.pollUrl, maxEvents: 1 });
    expect(await pollWhileMore(round, () => false)).toEqual({ rounds: MAX_ROUNDS, moreAvailable: true });
    expect(tx.polls.filter((poll) => poll.maxEvents === 1)).toHaveLength(MAX_ROUNDS);
  });
});

/** Records the turns the poll timer claims in a store (one-time keys named by the endpoint and the interval's number). */
function recordingTurns(store: SessionStore, claims: Array<{ key: string; answer: boolean }>, issuer: string, endpoint: string, interval: number, clock: () => number): SessionStore {
  const turnKeys = (): string[] => {
    const slot = Math.floor(clock() / interval);
    return [slot - 1, slot, slot + 1].map((near) => keyName('once', 'security_event', `poll:${JSON.stringify([issuer, new URL(endpoint).href, null])}`, String(near)));
  };
  const apply = async (batch: Batch): Promise<boolean> => {
    const answer = await store.apply(batch);
    if ('key' in batch.owner && batch.writes[0]?.type === 'putKey' && turnKeys().includes(batch.owner.key)) claims.push({ key: batch.owner.key, answer });
    return answer;
  };
  // A Proxy, so a store whose methods live on its prototype keeps them.
  return new Proxy(store, { get: (target, name, receiver) => (name === 'apply' ? apply : Reflect.get(target, name, receiver)) });
}

/** Two instances start the timer at once: one claims the turn and polls (following moreAvailable), the other skips. */
async function twoInstancesTakeTurns(pair: readonly [SessionStore, SessionStore]): Promise<void> {
  const tx = await startTransmitter();
  const claims: Array<{ key: string; answer: boolean }> = [];
  const interval = 60_000;
  // Pinned when the timers start: two first turns either side of an interval's boundary would both claim one.
  let pinned: number | undefined;
  const clock = () => pinned ?? Date.now();
  const first = createSessionManager({ store: recordingTurns(pair[0], claims, tx.issuer, tx.pollUrl, interval, clock), clock });
  const second = createSessionManager({ store: recordingTurns(pair[1], claims, tx.issuer, tx.pollUrl, interval, clock), clock });
  try {
    const sids = ['sid-1', 'sid-2', 'sid-3'].map((sid) => `${sid}-${tx.issuer}`);
    const sessionsOf = await Promise.all(sids.map((sid) => first.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid } })));
    tx.queue(...(await Promise.all(sids.map((sid) => tx.sign({ subject: { format: 'opaque', id: sid } })))));
    const options = { transmitter: tx.config(), endpoint: tx.pollUrl, maxEvents: 2, interval };
    pinned = Date.now();
    first.startSecurityEventPolling(options);
    second.startSecurityEventPolling(options);
    await vi.waitFor(() => expect(claims).toHaveLength(2), { timeout: 5_000, interval: 20 });
    expect(claims.map((claim) => claim.answer).sort()).toEqual([false, true]);
    // The winner polls while more are available: two rounds serve the three SETs.
    await vi.waitFor(async () => expect(await Promise.all(sessionsOf.map(async ({ token }) => (await first.validate(token)).ok))).toEqual([false, false, false]), {
      timeout: 5_000,
      interval: 20,
    });
    // The last round's acknowledgement follows its SETs' work: it is awaited, not assumed sent yet.
    await vi.waitFor(() => expect(tx.polls.map((poll) => poll.maxEvents)).toEqual([2, 2, 0]), { timeout: 5_000, interval: 20 });
  } finally {
    // close() stops the timers too.
    await Promise.all([first.close(), second.close()]);
    await tx.close();
  }
}

const sharedUp = new Map(await Promise.all(SHARED_STORE_KINDS.map(async (kind) => [kind.name, await kind.up()] as const)));

describe('startSecurityEventPolling(): one instance at a time', () => {
  it('two instances sharing a memory store: one claims the turn and polls, following moreAvailable; the other skips', async () => {
    const store = memoryStore();
    await twoInstancesTakeTurns([store, store]);
  });

  for (const kind of SHARED_STORE_KINDS) {
    it.skipIf(!sharedUp.get(kind.name))(`two instances sharing ${kind.name}: one claims the turn and polls; the other skips`, async () => {
      const shared = await kind.share('sepoll');
      try {
        await twoInstancesTakeTurns(shared.stores);
      } finally {
        await shared.cleanup();
      }
    });
  }

  it('a SET that keeps failing on its own goes to onError each round, and the timer still serves the SETs behind it in the same turn', async () => {
    const tx = await startTransmitter();
    const errors: unknown[] = [];
    const sessions = createSessionManager({ store: memoryStore(), onError: (error) => void errors.push(error) });
    try {
      const sids = ['sid-1', 'sid-2', 'sid-3'];
      const signedIn = await Promise.all(sids.map((sid) => sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid } })));
      const poison = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'email', email: 'broken@example.com' } });
      tx.queue(poison, ...(await Promise.all(sids.map((sid) => tx.sign({ subject: { format: 'opaque', id: sid } })))));
      const resolveSubject = () => Promise.reject(new Error('directory lookup failed'));
      // A minute between turns: only the first turn runs in this test.
      sessions.startSecurityEventPolling({ transmitter: tx.config({ resolveSubject }), endpoint: tx.pollUrl, maxEvents: 2, interval: 60_000 });
      await vi.waitFor(() => expect(tx.pending).toEqual([poison]), { timeout: 5_000, interval: 20 });
      expect(await Promise.all(signedIn.map(async ({ token }) => (await sessions.validate(token)).ok))).toEqual([false, false, false]);
      // The poison and one more per round, each round acknowledged at its end; the third has no more behind it.
      // The transmitter sees the last acknowledgement before the round reports its failure: wait for both.
      await vi.waitFor(
        () => {
          expect(tx.polls.map((poll) => poll.maxEvents)).toEqual([2, 0, 2, 0, 2, 0]);
          expect(errors).toEqual([1, 2, 3].map(() => new Error('directory lookup failed')));
        },
        { timeout: 5_000, interval: 20 },
      );
    } finally {
      await sessions.close();
      await tx.close();
    }
  });

  it('two streams a transmitter serves at one poll URL, told apart by their authorization, are both polled', async () => {
    const seen = new Set<string>();
    const shared = createServer((request, response) => {
      seen.add(request.headers.authorization ?? '');
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sets: {}, moreAvailable: false })));
    });
    shared.listen(0, '127.0.0.1');
    await once(shared, 'listening');
    const endpoint = `http://127.0.0.1:${(shared.address() as AddressInfo).port}/poll`;
    const tx = await startTransmitter();
    const sessions = createSessionManager({ store: memoryStore() });
    try {
      for (const stream of ['A', 'B']) sessions.startSecurityEventPolling({ transmitter: tx.config(), endpoint, authorization: `Bearer stream-${stream}`, interval: 60_000 });
      await vi.waitFor(() => expect([...seen].sort()).toEqual(['Bearer stream-A', 'Bearer stream-B']), { timeout: 5_000, interval: 20 });
    } finally {
      await sessions.close();
      await tx.close();
      shared.close();
    }
  });

  it('refuses an interval under a second', () => {
    const sessions = createSessionManager({ store: memoryStore() });
    expect(() => sessions.startSecurityEventPolling({ transmitter: { issuer: 'https://tr.example', audience: 'a' }, endpoint: 'https://tr.example/poll', interval: 10 })).toThrow(/startSecurityEventPolling\(\): interval \(ms\) must be a whole number from 1000 to 2147483647 \(got 10\)/);
  });
});
