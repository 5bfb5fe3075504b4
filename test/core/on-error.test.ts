import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// onError receives what goes wrong out of a caller's sight; an app's reporter that throws must
// not turn a done action into a failed one, nor leave an unhandled rejection.
describe('an onError that throws', () => {
  it('is reported as a process warning, and the action that raised it still succeeds', async () => {
    const sessions = createSessionManager({
      store: memoryStore(),
      onError: () => {
        throw new Error('the reporter is broken');
      },
    });
    sessions.on('session.created', () => {
      throw new Error('a listener failed');
    });
    const warned = once(process, 'warning');
    const { token } = await sessions.create({ userId: 'alice' });
    const [warning] = (await warned) as [Error & { code?: string }];
    expect(warning.code).toBe('SESSION_REVOCATION_LISTENER');
    expect(warning.message).toContain('the reporter is broken');
    expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.close();
  });
});
