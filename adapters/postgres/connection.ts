import { isSessionError } from '../../src/errors.js';
import { sqlState, timedOut, toSessionError } from './errors.js';
import type { PostgresPool, PostgresPoolClient } from './types.js';

/** A row as the store reads it: every column as text (or null). */
export type TextRow = Readonly<Record<string, string | null>>;

/** SQL text, and a statement name when it is worth preparing once per connection. */
export interface Statement {
  readonly text: string;
  readonly name?: string;
}

/** One checked-out connection, for the duration of one store operation. */
export interface Connection {
  /** Runs one statement. */
  query(statement: Statement, values?: unknown[]): Promise<{ readonly rows: readonly TextRow[]; readonly rowCount: number }>;
  /**
   * Runs `body` in a transaction whose statements carry the store's statement timeout on the
   * server too, so a statement stuck on a lock is cancelled by PostgreSQL itself.
   */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /** Runs a script of several statements with its own BEGIN and COMMIT (one simple query); rolls back on failure. */
  script(text: string): Promise<void>;
}

/** Runs store operations on pooled connections under a deadline. */
export interface Database {
  /**
   * Checks a client out, runs `work`, gives the client back. Rejects with `STORE_UNAVAILABLE`
   * once `timeoutMs` (waiting for the pool included) has passed; the client is then closed,
   * never returned mid-statement, and its statement is cancelled on the server. A `timeoutMs`
   * of `null` means no deadline.
   */
  run<T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs?: number | null): Promise<T>;
}

// Every column arrives as text and is parsed by the store: an app's global type parsers
// (bigint as BigInt, say) must not change what a session read looks like.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** How {@link database} talks to the server. */
export interface DatabaseOptions {
  /** Deadline of every operation that does not name its own. */
  readonly timeoutMs: number;
  /** Whether statements with a name are sent as named (prepared) statements. */
  readonly preparedStatements: boolean;
}

/**
 * Binds a pool, a default deadline and the statement mode.
 * @param pool - The app's pool.
 */
export function database(pool: PostgresPool, options: DatabaseOptions): Database {
  const defaultTimeoutMs = options.timeoutMs;
  // Through a transaction pooler (the reason to turn prepared statements off) the process id
  // a client reports is the pooler's: pg_cancel_backend on it would cancel nothing, or some
  // stranger's statement. There the server-side timeouts bound an abandoned statement instead.
  const cancelsByProcessId = options.preparedStatements;
  const cancelBackend = (pid: number): void => {
    // Best effort: the caller already has its STORE_UNAVAILABLE. This only stops the abandoned
    // statement from holding a server process (and its locks) until it finishes on its own.
    run('cancel', (connection) => connection.query({ text: 'SELECT pg_cancel_backend($1)' }, [pid]), defaultTimeoutMs).catch(() => undefined);
  };

  const run = <T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs: number | null = defaultTimeoutMs): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let settled = false;
      let client: PostgresPoolClient | undefined;
      let released = false;
      let lost = false;
      let broken = false;
      let inFlight = 0;
      const onConnectionError = (): void => {
        lost = true;
      };
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
              if (busy && cancelsByProcessId && typeof pid === 'number') cancelBackend(pid);
              reject(timedOut(operation, timeoutMs));
            }, timeoutMs);
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };

      const query: Connection['query'] = async (statement, values) => {
        const checkedOut = client!;
        inFlight += 1;
        try {
          const name = options.preparedStatements ? statement.name : undefined;
          const result = await checkedOut.query({ text: statement.text, name, values, types: TEXT_TYPES });
          // TEXT_TYPES turns every value into a string; NULL stays null.
          return { rows: result.rows as readonly TextRow[], rowCount: result.rowCount ?? 0 };
        } finally {
          inFlight -= 1;
        }
      };
      const transaction = async <R>(body: () => Promise<R>): Promise<R> => {
        // One round trip: a simple query may hold several statements. The timeout is an
        // integer the options check validated, so writing it into the text is safe.
        await query({ text: timeoutMs === null ? 'BEGIN' : `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}` });
        let result: R;
        try {
          result = await body();
        } catch (error) {
          try {
            await query({ text: 'ROLLBACK' });
          } catch {
            // The connection is gone or confused: it must not go back to the pool.
            broken = true;
          }
          throw error;
        }
        await query({ text: 'COMMIT' });
        return result;
      };

      pool.connect().then(
        async (checkedOut) => {
          if (settled) {
            // The deadline passed while waiting for the pool: give the healthy client back unused.
            checkedOut.release();
            return;
          }
          client = checkedOut;
          checkedOut.on('error', onConnectionError);
          checkedOut.on('end', onConnectionError);
          try {
            const script = async (text: string): Promise<void> => {
              try {
                await query({ text });
              } catch (error) {
                // A failed statement leaves the script's transaction open and aborted.
                await query({ text: 'ROLLBACK' }).catch(() => (broken = true));
                throw error;
              }
            };
            const value = await work({ query, transaction, script });
            settle(() => {
              release(broken);
              resolve(value);
            });
          } catch (error) {
            settle(() => {
              // A plain SQL error (or our own refusal) leaves the connection usable; anything else
              // (a driver error without SQLSTATE, a failed rollback) retires it.
              release(lost || broken || (sqlState(error) === undefined && !isSessionError(error)));
              reject(toSessionError(error, { operation, connectionLost: lost }));
            });
          }
        },
        (error: unknown) => settle(() => reject(toSessionError(error, { operation, connecting: true }))),
      );
    });

  return { run };
}
