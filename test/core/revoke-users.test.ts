import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';
import { SessionError } from '../../src/errors.js';

describe('revokeUsers', () => {
  it('signs every listed user out everywhere, once each, and leaves the others alone', async () => {
    const sessions = createSessionManager();
    const tokens = new Map<string, string>();
    for (const userId of ['ada', 'grace', 'linus', 'ken']) tokens.set(userId, (await sessions.create({ userId })).token);
    const events: string[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(`${event.userId} ${event.reason} ${event.by}`));
    const outcomes = await sessions.revokeUsers(['ada', 'grace', 'ada', 'linus'], { by: 'security-team' });
    expect(outcomes.map((outcome) => [outcome.userId, outcome.ok])).toEqual([
      ['ada', true],
      ['grace', true],
      ['linus', true],
    ]);
    expect(outcomes[0]!.ok && Object.keys(outcomes[0]!.epochs).sort()).toEqual(['browser', 'impersonation', 'remember']);
    for (const userId of ['ada', 'grace', 'linus']) expect((await sessions.validate(tokens.get(userId)))).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(tokens.get('ken'))).ok).toBe(true);
    expect(events.sort()).toEqual(['ada admin security-team', 'grace admin security-team', 'linus admin security-team']);
  });

  it('goes through hundreds of users with a bounded number of store calls at once', async () => {
    const inner = memoryStore();
    let inFlight = 0;
    let most = 0;
    const store = overriding(inner, {
      readUser: async (userId, tenantId, sessionId) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return inner.readUser(userId, tenantId, sessionId);
      },
    });
    const sessions = createSessionManager({ store });
    const userIds = Array.from({ length: 300 }, (_, index) => `user-${index}`);
    const outcomes = await sessions.revokeUsers(userIds);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(300);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);
  });

  it('reports a user the store failed for, and goes on with the others', async () => {
    const inner = memoryStore();
    const store = overriding(inner, {
      apply: async (batch) => {
        if ('userId' in batch.owner && batch.owner.userId === 'grace') throw new SessionError('STORE_UNAVAILABLE', 'down for grace');
        return inner.apply(batch);
      },
    });
    const sessions = createSessionManager({ store });
    const outcomes = await sessions.revokeUsers(['ada', 'grace', 'linus']);
    expect(outcomes.map((outcome) => (outcome.ok ? `${outcome.userId} ok` : `${outcome.userId} ${outcome.error.code}`))).toEqual([
      'ada ok',
      'grace STORE_UNAVAILABLE',
      'linus ok',
    ]);
  });

  it('checks every id before revoking anything', async () => {
    const sessions = createSessionManager();
    const { token } = await sessions.create({ userId: 'ada' });
    for (const userIds of [['ada', ''], ['ada', 7], 'ada', null, Array.from({ length: 10_001 }, (_, index) => `u${index}`)]) {
      const error = await sessions.revokeUsers(userIds as never).catch((caught: unknown) => caught);
      expect(isSessionError(error) && error.code).toBe('INVALID_INPUT');
    }
    // The index is the one in the list given, repeats included.
    await expect(sessions.revokeUsers(['ada', 'ada', ''])).rejects.toThrow(/^userIds\[2\] must be/);
    const badKinds = await sessions.revokeUsers(['ada'], { kinds: ['nope'] }).catch((caught: unknown) => caught);
    expect(isSessionError(badKinds) && badKinds.code).toBe('INVALID_INPUT');
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('checks its options when the list is empty too: a misspelt kind is an error, not an empty success', async () => {
    const sessions = createSessionManager();
    for (const kinds of [['nope'], [], 'browser']) {
      const error = await sessions.revokeUsers([], { kinds } as never).catch((caught: unknown) => caught);
      expect(isSessionError(error) && [error.code, error.message]).toEqual(['INVALID_INPUT', expect.stringMatching(/kind/)]);
    }
    expect(await sessions.revokeUsers([], { kinds: ['browser'] })).toEqual([]);
  });
});
