import { isSessionError } from '../../src/errors.js';
import { timedOut } from '../sql/errors.js';
import { sqlState, toSessionError } from './errors.js';
import type { PostgresPool, PostgresPoolClient } from './types.js';

/** A row as the store reads it: every column as text (or null). */
export type TextRow = Readonly<Record<string, string | null>>;

/** One checked-out connection, for the length of one store operation. */
export interface Connection {
  /** Runs one statement, named (prepared) when it has a name and prepared statements are on. */
  query(statement: { readonly text: string; readonly name?: string }, values?: unknown[]): Promise<{ readonly rows: readonly TextRow[]; readonly rowCount: number }>;
  /** Runs `body` in a transaction whose statements carry the deadline on the server too (`SET LOCAL statement_timeout`). */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /** Runs a script of several statements with its own BEGIN and COMMIT (one simple query); rolls back on failure. */
  script(text: string): Promise<void>;
}

/** Runs `work` on a pooled client; past `timeoutMs` (`null`: none) rejects, closes the client and cancels its statement. */
export type Run = <T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs?: number | null) => Promise<T>;

// Every column arrives as text: an app's global type parsers must not change what the store reads.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** Binds a pool, a default deadline and the statement mode. */
export function database(pool: PostgresPool, options: { readonly timeoutMs: number; readonly preparedStatements: boolean }): Run {
  // Behind a pooler a client's process id is the pooler's: cancelling it could hit a stranger.
  const cancelsByProcessId = options.preparedStatements;
  const run: Run = (operation, work, timeoutMs = options.timeoutMs) =>
    new Promise((resolve, reject) => {
      let settled = false;
      let client: PostgresPoolClient | undefined;
      let released = false;
      let lost = false;
      let broken = false;
      let inFlight = 0;
      const onConnectionError = (): void => void (lost = true);
      const release = (destroy: boolean): void => {
        if (client === undefined || released) return;
        released = true;
        client.removeListener('error', onConnectionError);
        client.removeListener('end', onConnectionError);
        client.release(destroy || undefined);
      };
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              if (settled) return;
              settled = true;
              const pid = client?.processID;
              const busy = inFlight > 0 && !released;
              release(true);
              // Best effort, after the caller has its answer: frees the server process and its locks.
              if (busy && cancelsByProcessId && typeof pid === 'number') {
                run('cancel', (c) => c.query({ text: 'SELECT pg_cancel_backend($1)' }, [pid])).catch(() => undefined);
              }
              reject(timedOut('PostgreSQL', operation, timeoutMs));
            }, timeoutMs);
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };

      const query: Connection['query'] = async (statement, values) => {
        inFlight += 1;
        try {
          const name = options.preparedStatements ? statement.name : undefined;
          const result = await client!.query({ text: statement.text, name, values, types: TEXT_TYPES });
          return { rows: result.rows as readonly TextRow[], rowCount: result.rowCount ?? 0 };
        } finally {
          inFlight -= 1;
        }
      };
      // A connection that cannot roll back an aborted transaction must not go back to the pool.
      const rollback = (): Promise<unknown> => query({ text: 'ROLLBACK' }).catch(() => (broken = true));
      const transaction = async <R>(body: () => Promise<R>): Promise<R> => {
        // One round trip: a simple query may hold several statements; the timeout is a checked integer.
        await query({ text: timeoutMs === null ? 'BEGIN' : `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}` });
        try {
          const result = await body();
          await query({ text: 'COMMIT' });
          return result;
        } catch (error) {
          await rollback();
          throw error;
        }
      };
      const script = (text: string): Promise<void> => query({ text }).then(() => undefined, async (error: unknown) => Promise.reject((await rollback(), error)));

      pool.connect().then(
        async (checkedOut) => {
          // The deadline passed while waiting for the pool: give the healthy client back unused.
          if (settled) return checkedOut.release();
          client = checkedOut;
          checkedOut.on('error', onConnectionError);
          checkedOut.on('end', onConnectionError);
          try {
            const value = await work({ query, transaction, script });
            settle(() => (release(broken), resolve(value)));
          } catch (error) {
            settle(() => {
              // A plain SQL error leaves the connection usable; a driver error without SQLSTATE retires it.
              release(lost || broken || (sqlState(error) === undefined && !isSessionError(error)));
              reject(toSessionError(error, { operation, connectionLost: lost }));
            });
          }
        },
        (error: unknown) => settle(() => reject(toSessionError(error, { operation, connecting: true }))),
      );
    });
  return run;
}
