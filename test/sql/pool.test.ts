import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionError } from '../../src/errors.js';
import { poolRunner, type PoolDialect, type PoolStatement } from '../../adapters/sql/index.js';

// The runner's deadline on its own: a driver whose statements finish when the test says, so
// the order of "deadline passed" and "statement finished" is the test's, not the machine's.

interface Client {
  readonly sent: string[];
  released?: 'destroyed' | 'kept';
}

function slowDriver() {
  const client: Client = { sent: [] };
  let finish: (() => void) | undefined;
  const dialect: PoolDialect<Client> = {
    database: 'Test',
    connect: async () => client,
    query: (c, statement: PoolStatement) => {
      c.sent.push(statement.text);
      if (statement.text !== 'SLOW') return Promise.resolve({ rows: [], count: 1 });
      return new Promise((resolve) => (finish = () => resolve({ rows: [], count: 1 })));
    },
    release: (c, destroy) => void (c.released = destroy ? 'destroyed' : 'kept'),
    breaks: () => false,
    begin: () => ['BEGIN'],
    toSessionError: (error) => (error instanceof SessionError ? error : new SessionError('STORE_ERROR', String(error))),
  };
  return { client, dialect, finish: () => finish?.() };
}

describe('SQL pool runner', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers STORE_UNAVAILABLE, and a statement that finishes afterwards sends nothing more: no later write, no COMMIT', async () => {
    vi.useFakeTimers();
    const { client, dialect, finish } = slowDriver();
    const { use } = poolRunner(dialect, 1_000);
    let workEnded!: (error: unknown) => void;
    const ended = new Promise((resolve) => (workEnded = resolve));
    const answer = use('apply', true, async (connection) => {
      await connection.run({ name: 'slow', text: 'SLOW' }, []);
      try {
        await connection.run({ name: 'insert', text: 'INSERT' }, []);
      } catch (error) {
        workEnded(error);
        throw error;
      }
    });
    const answered = answer.catch((thrown: unknown) => thrown);
    // The statement is still running when the deadline's timer fires.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await answered).toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'Test session store did not answer apply within 1000 ms.' });
    expect(client.released).toBe('destroyed');
    finish();
    expect(await ended).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(client.sent).toEqual(['BEGIN', 'SLOW']);
  });

  // A driver whose `failing` statement loses a lock conflict, and whose ROLLBACK fails when asked to.
  const conflicting = (failing: string, rollbackFails: boolean) => {
    const conflict = new Error('lock conflict');
    const sent: string[] = [];
    const dialect: PoolDialect<Client> = {
      database: 'Test',
      connect: async () => ({ sent }),
      query: async (_c, statement: PoolStatement) => {
        sent.push(statement.text);
        if (statement.text === failing) throw conflict;
        if (statement.text === 'ROLLBACK' && rollbackFails) throw new Error('connection gone');
        return { rows: [], count: 1 };
      },
      release: () => undefined,
      breaks: () => false,
      begin: () => ['BEGIN'],
      retry: (error) => error === conflict,
      toSessionError: () => new SessionError('STORE_UNAVAILABLE', 'conflict'),
    };
    return { sent, ...poolRunner(dialect, 1_000) };
  };

  it('runs a transaction that lost a lock conflict once more only on a connection that rolled the first attempt back', async () => {
    for (const rollbackFails of [false, true]) {
      const { sent, use } = conflicting('COMMIT', rollbackFails);
      await expect(use('apply', true, async (connection) => connection.run({ name: 'write', text: 'WRITE' }, []))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const once = ['BEGIN', 'WRITE', 'COMMIT', 'ROLLBACK'];
      expect(sent).toEqual(rollbackFails ? once : [...once, ...once]);
    }
  });

  it('rolls back a routine call that failed, and runs one that lost a lock conflict once more only on a connection that rolled it back', async () => {
    for (const rollbackFails of [false, true]) {
      const { sent, run } = conflicting('CALL', rollbackFails);
      await expect(run('apply', (connection) => connection.routine(() => connection.run({ name: 'call', text: 'CALL' }, [])))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const once = ['CALL', 'ROLLBACK'];
      expect(sent).toEqual(rollbackFails ? once : [...once, ...once]);
    }
  });
});
