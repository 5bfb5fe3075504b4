import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { secretMatchesText } from '../../src/token.js';

// Counts the constant-time comparisons the library makes, with the real implementation.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

describe('secret comparison', () => {
  it('compares the stored hash with crypto.timingSafeEqual, for a right and a wrong secret alike', async () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    // A store answering through get() (bytes), as every store but the built-in memory one.
    const sessions = createSessionManager({ store: { ...memoryStore() } });
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

describe('secret comparison on the memory store (hash kept as text)', () => {
  const digest = (text: string): string => crypto.hash('sha256', text, 'binary');

  it('accepts the secret whose SHA-256 it keeps and refuses any other', async () => {
    const sessions = createSessionManager();
    const { token, session } = await sessions.create({ userId: 'u' });
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await sessions.validate(`${session.id}.${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('tells apart digests that differ in their first, their last or every character, or in length', () => {
    const stored = digest('secret');
    expect(secretMatchesText('secret', stored)).toBe(true);
    const first = String.fromCharCode(stored.charCodeAt(0) ^ 1) + stored.slice(1);
    const last = stored.slice(0, -1) + String.fromCharCode(stored.charCodeAt(31) ^ 0x80);
    for (const other of [first, last, digest('other'), stored.slice(0, 31), `${stored}x`]) expect(secretMatchesText('secret', other)).toBe(false);
  });
});
