import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// Counts the constant-time comparisons the library makes, with the real implementation.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

describe('secret comparison', () => {
  it('compares the stored hash with crypto.timingSafeEqual, for a right and a wrong secret alike', async () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    const sessions = createSessionManager({ store: memoryStore() });
    const { token, session } = await sessions.create({ userId: 'u' });
    const wrong = `${session.id}.${'A'.repeat(43)}`;

    compare.mockClear();
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await sessions.validate(wrong)).toEqual({ ok: false, reason: 'not_found' });
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [presented, stored] of compare.mock.calls) {
      expect([presented.byteLength, stored.byteLength]).toEqual([32, 32]);
    }
  });
});

