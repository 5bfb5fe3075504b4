import { expect, it } from 'vitest';
import { readLimited } from '../../src/read-limited.js';

// A body past the limit is cancelled; a source whose cancel fails must not turn the refusal
// into an error of its own, nor leave a rejection unhandled (vitest fails the run on one).
it('answers "more than the limit" for a body whose cancel() rejects', async () => {
  const cancelled: unknown[] = [];
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(new Uint8Array(4)),
    cancel: (reason) => {
      cancelled.push(reason);
      return Promise.reject(new Error('the source cannot be cancelled'));
    },
  });
  expect(await readLimited(body, 10)).toBeUndefined();
  expect(cancelled).toHaveLength(1);
});
