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

  // A driver whose first `lost` connections fail every statement as a connection the server ended (a pool holds it idle, unaware).
  const endedFirst = (lost: number) => {
    const connections: { id: number; sent: string[]; released?: 'destroyed' | 'kept' }[] = [];
    const dialect: PoolDialect<(typeof connections)[number]> = {
      database: 'Test',
      connect: async () => connections[connections.push({ id: connections.length, sent: [] }) - 1]!,
      query: async (c, statement: PoolStatement) => {
        c.sent.push(statement.text);
        if (c.id < lost) throw new Error('terminating connection due to administrator command');
        return { rows: [{ id: c.id }], count: 1 };
      },
      release: (c, destroy) => void (c.released = destroy ? 'destroyed' : 'kept'),
      breaks: () => true,
      begin: () => ['BEGIN'],
      toSessionError: (_error, _operation, unavailable) => new SessionError(unavailable ? 'STORE_UNAVAILABLE' : 'STORE_ERROR', 'ended'),
    };
    return { connections, ...poolRunner(dialect, 1_000) };
  };

  it('sends work outside a transaction (a read, a touch) once more, on another connection, when the first was one the server had ended', async () => {
    const { connections, use } = endedFirst(1);
    expect((await use('readUser', false, (connection) => connection.run({ name: 'read', text: 'SELECT' }, []))).rows).toEqual([{ id: 1 }]);
    expect(connections.map(({ sent, released }) => [sent, released])).toEqual([
      [['SELECT'], 'destroyed'],
      [['SELECT'], 'kept'],
    ]);
  });

  it('sends it once more only, and never a transaction or a batch run as one call', async () => {
    const twice = endedFirst(2);
    await expect(twice.use('readUser', false, (connection) => connection.run({ name: 'read', text: 'SELECT' }, []))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(twice.connections.map(({ sent }) => sent)).toEqual([['SELECT'], ['SELECT']]);
    const transaction = endedFirst(1);
    await expect(transaction.use('prune', true, (connection) => connection.run({ name: 'delete', text: 'DELETE' }, []))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(transaction.connections.map(({ sent }) => sent)).toEqual([['BEGIN']]);
    const batch = endedFirst(1);
    await expect(batch.run('apply', (connection) => connection.run({ name: 'apply', text: 'CALL' }, []))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(batch.connections.map(({ sent }) => sent)).toEqual([['CALL']]);
  });
});
