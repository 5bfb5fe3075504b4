import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startTransmitter, type TestTransmitter } from './support/transmitter.js';

// RFC 8936 section 2.4.4: a transmitter answers 400 (`invalid_request`) to a poll request it refuses,
// such as one acknowledging a SET it no longer knows. What such a request carried is not owed again.

const jtiOf = (set: string): string => JSON.parse(Buffer.from(set.split('.')[1]!, 'base64url').toString('utf8')).jti as string;

describe('pollSecurityEvents(): acknowledgements the transmitter refuses', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let errors: unknown[];
  let receiver: SessionManager;
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
    errors = [];
    // (Not closed: closing it would close the store it shares; it holds no timer.)
    receiver = createSessionManager({ store: sessions.store, onError: (error) => void errors.push(error) });
  });
  afterEach(async () => {
    await sessions.close();
    await tx.close();
  });
  const signedIn = (sid: string) => sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid } });
  const revokes = (sid: string) => tx.sign({ subject: { format: 'opaque', id: sid } });
  const live = async (token: string) => (await sessions.validate(token)).ok;
  const options = () => ({ transmitter: tx.config(), endpoint: tx.pollUrl });

  it('a request answered 400 for a SET the transmitter no longer knows is not sent again: the next round receives new SETs', async () => {
    const later = await signedIn('sid-2');
    const set = await revokes('sid-1');
    tx.queue(set);
    tx.pollAnswers = [undefined, 503];
    expect(await receiver.pollSecurityEvents(options())).toMatchObject({ accepted: 1 });
    // The transmitter took the acknowledgement but its answer was lost: it knows that SET no more.
    tx.forget(jtiOf(set));
    const next = await revokes('sid-2');
    tx.queue(next);
    const refused = await receiver.pollSecurityEvents(options()).catch((error: unknown) => error);
    expect((refused as Error).message).toContain('answered 400');
    expect(await receiver.pollSecurityEvents(options())).toEqual({ accepted: 1, refused: 0, moreAvailable: false });
    expect(await live(later.token)).toBe(false);
    expect(tx.polls.slice(2).map((poll) => poll.ack)).toEqual([[jtiOf(set)], [], [jtiOf(next)]]);
    expect(tx.pending).toEqual([]);
  });

  it('an acknowledge-only request answered 400 is not sent again: the SET comes again, ends nothing twice, and is acknowledged', async () => {
    const session = await signedIn('sid-1');
    const revoked: string[] = [];
    receiver.on('session.revoked', (event) => void revoked.push(...(event.sessionIds ?? [])));
    const set = await revokes('sid-1');
    tx.queue(set);
    tx.pollAnswers = [undefined, 400];
    expect(await receiver.pollSecurityEvents(options())).toMatchObject({ accepted: 1 });
    expect(errors).toEqual([expect.objectContaining({ code: 'KEYS_UNAVAILABLE', message: expect.stringContaining('answered 400') })]);
    expect(await receiver.pollSecurityEvents(options())).toEqual({ accepted: 1, refused: 0, moreAvailable: false });
    expect(tx.polls.slice(2).map((poll) => [poll.ack, poll.maxEvents])).toEqual([[[], 100], [[jtiOf(set)], 0]]);
    expect(revoked).toEqual([session.session.id]);
    expect(await live(session.token)).toBe(false);
    expect(tx.pending).toEqual([]);
  });

  it('a request answered 429 or 503 keeps what it carried owed', async () => {
    const set = await revokes('sid-1');
    tx.queue(set);
    tx.pollAnswers = [undefined, 503, 429];
    await receiver.pollSecurityEvents(options());
    await expect(receiver.pollSecurityEvents(options())).rejects.toThrow('answered 429');
    await receiver.pollSecurityEvents(options());
    expect(tx.polls.map((poll) => [poll.ack, poll.maxEvents])).toEqual([[[], 100], [[jtiOf(set)], 0], [[jtiOf(set)], 100], [[jtiOf(set)], 100]]);
    expect(tx.pending).toEqual([]);
  });
});
