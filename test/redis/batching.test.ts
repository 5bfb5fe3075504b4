import { Writable } from 'node:stream';
import { setImmediate as realSetImmediate } from 'node:timers';
import { describe, expect, it, vi } from 'vitest';
import { writeBatcher } from '../../adapters/redis/connections.js';

/** A Node.js stream that records each write it makes: one entry per write, its chunks inside. */
function recordingStream(): { stream: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { stream, writes };
}

// After the check phase that releases the cork: two rounds of the event loop.
const endOfRound = (): Promise<void> => new Promise((resolve) => realSetImmediate(() => realSetImmediate(resolve)));

describe('writeBatcher: the Redis store\'s batching of ioredis socket writes', () => {
  it('sends what is written in one round of the event loop, microtasks included, in one write at its end', async () => {
    const { stream, writes } = recordingStream();
    const batch = writeBatcher();
    batch(stream);
    stream.write('a');
    await Promise.resolve();
    batch(stream);
    stream.write('b');
    expect(writes).toEqual([]);
    await endOfRound();
    expect(writes).toEqual([['a', 'b']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('waits for the other callbacks of the round (the other requests read with this one), not only this tick', async () => {
    const { stream, writes } = recordingStream();
    const batch = writeBatcher();
    const later = new Promise<void>((resolve) =>
      realSetImmediate(() => {
        batch(stream);
        stream.write('b');
        resolve();
      }),
    );
    batch(stream);
    stream.write('a');
    await later;
    await endOfRound();
    expect(writes).toEqual([['a', 'b']]);
  });

  it('corks again in the next round', async () => {
    const { stream, writes } = recordingStream();
    const batch = writeBatcher();
    batch(stream);
    stream.write('a');
    await endOfRound();
    batch(stream);
    stream.write('b');
    batch(stream);
    stream.write('c');
    await endOfRound();
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });

  it('lets the old socket go at once when the client moved to a new one within the round', async () => {
    const old = recordingStream();
    const next = recordingStream();
    const batch = writeBatcher();
    batch(old.stream);
    old.stream.write('before');
    batch(next.stream);
    expect(old.writes).toEqual([['before']]);
    next.stream.write('after');
    expect(next.writes).toEqual([]);
    await endOfRound();
    expect(next.writes).toEqual([['after']]);
    expect(old.stream.writableCorked).toBe(0);
    expect(next.stream.writableCorked).toBe(0);
  });

  it('still sends when the app\'s tests fake the timers', async () => {
    vi.useFakeTimers();
    try {
      const { stream, writes } = recordingStream();
      writeBatcher()(stream);
      stream.write('a');
      // The fake clock never moves: only the real event loop can release the cork.
      await new Promise((resolve) => realSetImmediate(() => realSetImmediate(resolve)));
      expect(writes).toEqual([['a']]);
    } finally {
      vi.useRealTimers();
    }
  });
});
