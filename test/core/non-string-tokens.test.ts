import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';

describe('tokens that are not strings', () => {
  it('are malformed, never not_found and never a throw, even when they wrap a real token', async () => {
    const sessions = createSessionManager();
    const { token } = await sessions.create({ userId: 'victim' });
    for (const value of [[token], [token, token], { toString: () => token }, Buffer.from(token), new String(token), 42, true, Symbol('token')]) {
      expect(await sessions.validate(value)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('are missing when absent', async () => {
    const sessions = createSessionManager();
    for (const value of [undefined, null, '']) expect(await sessions.validate(value)).toEqual({ ok: false, reason: 'missing' });
  });
});
