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
    gone: () => false,
    identity: (c) => c,
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
      gone: () => false,
      identity: (c) => c,
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

  // A pool that hands out its idle connections last in, first out, as pg's does; the server may have ended them meanwhile.
  const endingPool = () => {
    type Connection = { id: number; sent: string[]; ended: boolean; released?: 'destroyed' | 'kept' };
    const connections: Connection[] = [];
    const idle: Connection[] = [];
    let endNew = false;
    const lostError = Object.assign(new Error('terminating connection due to administrator command'), { gone: true });
    const dialect: PoolDialect<Connection> = {
      database: 'Test',
      connect: async () => idle.pop() ?? connections[connections.push({ id: connections.length, sent: [], ended: endNew }) - 1]!,
      query: async (c, statement: PoolStatement) => {
        c.sent.push(statement.text);
        if (c.ended) throw lostError;
        if (statement.text === 'SLOW') throw new Error('Query read timeout');
        return { rows: [{ id: c.id }], count: 1 };
      },
      release: (c, destroy) => {
        c.released = destroy ? 'destroyed' : 'kept';
        if (!destroy) idle.push(c);
      },
      breaks: () => true,
      gone: (error) => error === lostError,
      identity: (c) => c,
      begin: () => ['BEGIN'],
      toSessionError: (_error, _operation, unavailable) => new SessionError(unavailable ? 'STORE_UNAVAILABLE' : 'STORE_ERROR', 'failed'),
    };
    const runner = poolRunner(dialect, 1_000);
    const read = (text = 'SELECT') => runner.use('readUser', false, (connection) => connection.run({ name: 'read', text }, []));
    return {
      connections,
      read,
      runner,
      // `count` connections that served a call, idle in the pool, then ended by the server; with `andNew`, every new one too.
      async endIdle(count: number, andNew = false) {
        const held = await Promise.all(Array.from({ length: count }, () => runner.use('readUser', false, async (connection) => connection.run({ name: 'read', text: 'SELECT' }, []))));
        expect(held).toHaveLength(count);
        for (const c of connections) c.ended = true;
        endNew = andNew;
        for (const c of connections) c.sent.length = 0;
      },
    };
  };

  it('sends a read (or a touch) again while the connection it lost had served before, as many as the pool holds ended, then answers it on a new one', async () => {
    const pool = endingPool();
    await pool.endIdle(3);
    expect((await pool.read()).rows).toEqual([{ id: 3 }]);
    expect(pool.connections.map(({ sent, released }) => [sent, released])).toEqual([
      [['SELECT'], 'destroyed'],
      [['SELECT'], 'destroyed'],
      [['SELECT'], 'destroyed'],
      [['SELECT'], 'kept'],
    ]);
  });

  it('sends it once more only when that was a connection opened for it, and not at all for a failure that is not a lost connection', async () => {
    const fresh = endingPool();
    await fresh.endIdle(0, true);
    await expect(fresh.read()).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(fresh.connections.map(({ sent }) => sent)).toEqual([['SELECT'], ['SELECT']]);
    const slow = endingPool();
    await expect(slow.read('SLOW')).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(slow.connections.map(({ sent, released }) => [sent, released])).toEqual([[['SLOW'], 'destroyed']]);
  });

  it('never sends a transaction or a batch run as one call again', async () => {
    const transaction = endingPool();
    await transaction.endIdle(1);
    await expect(transaction.runner.use('prune', true, (connection) => connection.run({ name: 'delete', text: 'DELETE' }, []))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(transaction.connections.map(({ sent }) => sent)).toEqual([['BEGIN']]);
    const batch = endingPool();
    await batch.endIdle(1);
    await expect(batch.runner.run('apply', (connection) => connection.run({ name: 'apply', text: 'CALL' }, []))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(batch.connections.map(({ sent }) => sent)).toEqual([['CALL']]);
  });
});
