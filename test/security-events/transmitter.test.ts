import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// The test transmitter itself, since the push and poll tests stand on it: its poll endpoint
// behaves as RFC 8936 section 2.4 says, and a push carries what RFC 8935 section 2 says.

describe('the test transmitter', () => {
  let tx: TestTransmitter;
  beforeAll(async () => {
    tx = await startTransmitter();
  });
  afterAll(() => tx.close());
  const poll = async (body: Record<string, unknown>, authorization?: string) =>
    fetch(tx.pollUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }, body: JSON.stringify(body) });
  const jtiOf = (set: string) => JSON.parse(Buffer.from(set.split('.')[1]!, 'base64url').toString('utf8')).jti as string;

  it('serves queued SETs up to maxEvents with moreAvailable, drops what was acknowledged or reported, and records both', async () => {
    const sets = await Promise.all([1, 2, 3].map(() => tx.sign({ type: EVENTS.verification })));
    tx.queue(...sets);
    const first = (await (await poll({ maxEvents: 2 })).json()) as { sets: Record<string, string>; moreAvailable: boolean };
    expect(Object.keys(first.sets)).toEqual(sets.slice(0, 2).map(jtiOf));
    expect(first.moreAvailable).toBe(true);
    const setErrs = { [jtiOf(sets[1]!)]: { err: 'invalid_key', description: 'bad signature' } };
    const second = (await (await poll({ ack: [jtiOf(sets[0]!)], setErrs, maxEvents: 2 })).json()) as typeof first;
    expect(second).toEqual({ sets: { [jtiOf(sets[2]!)]: sets[2] }, moreAvailable: false });
    expect(tx.polls.at(-1)).toMatchObject({ ack: [jtiOf(sets[0]!)], setErrs, maxEvents: 2 });
    await poll({ ack: [jtiOf(sets[2]!)] });
    expect(tx.pending).toEqual([]);
  });

  it('refuses a poll without the Authorization it requires (401)', async () => {
    tx.pollAuthorization = 'Bearer poll-secret';
    try {
      expect((await poll({})).status).toBe(401);
      expect((await poll({}, 'Bearer poll-secret')).status).toBe(200);
    } finally {
      tx.pollAuthorization = undefined;
    }
  });

  it('pushes a SET as application/secevent+jwt with the Authorization given', async () => {
    const received: Array<{ type: string | undefined; authorization: string | undefined; body: string }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ type: request.headers['content-type'], authorization: request.headers.authorization, body });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const set = await tx.sign();
      const answer = await tx.push(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`, set, { authorization: 'Bearer push-secret' });
      expect(answer.status).toBe(202);
      expect(received).toEqual([{ type: 'application/secevent+jwt', authorization: 'Bearer push-secret', body: set }]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
