import { errnoOf, breaksConnection, timedOut, toSessionError } from './errors.js';
import type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement, MysqlValue } from './types.js';

/** A column as the store reads it: a string column's bytes, a number column as the driver gives it. */
export type Cell = Buffer | number | string | bigint | null;
/** A row, keyed by column name. */
export type Row = Readonly<Record<string, Cell>>;

/** What a write reports. */
export interface WriteResult {
  /** Rows the statement matched (found), changed or not. */
  readonly matched: number;
}

/** One checked-out connection, for the duration of one store operation. */
export interface Connection {
  /** Runs one statement that returns rows. */
  rows(sql: string, values?: readonly MysqlValue[]): Promise<readonly Row[]>;
  /** Runs one statement that writes. */
  write(sql: string, values?: readonly MysqlValue[]): Promise<WriteResult>;
  /**
   * Runs `body` in a READ COMMITTED transaction: each read sees what other transactions
   * committed before it, and InnoDB takes no gap locks, so sign-ins of different users never
   * wait for each other. The isolation level applies to this transaction only.
   */
  transaction<T>(body: () => Promise<T>): Promise<T>;
}

/** Runs store operations on pooled connections under a deadline. */
export interface Database {
  /**
   * Checks a connection out, runs `work`, gives it back. Rejects with `STORE_UNAVAILABLE` once
   * `timeoutMs` (waiting for the pool included) has passed; the connection is then closed and
   * killed on the server, so the locks it held go at once. `null`: no deadline.
   */
  run<T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs?: number | null): Promise<T>;
}

// String and binary columns arrive as their bytes (every text column is VARBINARY: no charset
// conversion, no collation); numbers as the driver parses them, whatever the pool's options.
const BYTES = new Set(['VAR_STRING', 'STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);
const typeCast = (field: MysqlField, next: () => unknown): unknown => (BYTES.has(field.type) ? field.buffer() : next());

const statement = (sql: string): MysqlStatement => ({ sql, typeCast, rowsAsArray: false, nestTables: false });

/**
 * Binds the app's pool and the default deadline.
 * @param pool - The app's `mysql2/promise` pool.
 * @param defaultTimeoutMs - The deadline of every operation that does not name its own.
 */
export function database(pool: MysqlPool, defaultTimeoutMs: number): Database {
  // Best effort, after the caller has its STORE_UNAVAILABLE: ends the abandoned statement's
  // server thread now instead of when its lock wait runs out. The thread id is a number the
  // server gave, written into the text because KILL takes no placeholder.
  const kill = (threadId: number): void => {
    run('kill', (connection) => connection.write(`KILL ${Math.trunc(threadId)}`), defaultTimeoutMs).catch(() => undefined);
  };

  const run = <T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs: number | null = defaultTimeoutMs): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let settled = false;
      let checkedOut: MysqlPoolConnection | undefined;
      let broken = false;
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              if (settled) return;
              settled = true;
              if (checkedOut !== undefined) {
                const { threadId } = checkedOut;
                checkedOut.destroy();
                if (typeof threadId === 'number') kill(threadId);
              }
              reject(timedOut(operation, timeoutMs));
            }, timeoutMs);
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (broken) checkedOut?.destroy();
        else checkedOut?.release();
        outcome();
      };

      const execute = async (sql: string, values: readonly MysqlValue[] = []): Promise<unknown> => {
        try {
          const [result] = await checkedOut!.execute(statement(sql), [...values]);
          return result;
        } catch (error) {
          if (breaksConnection(error)) broken = true;
          throw error;
        }
      };
      const connection: Connection = {
        async rows(sql, values) {
          const result = await execute(sql, values);
          if (!Array.isArray(result)) throw new TypeError('expected rows from a SELECT');
          return result as readonly Row[];
        },
        async write(sql, values) {
          return { matched: matchedRows(await execute(sql, values)) };
        },
        async transaction(body) {
          try {
            await checkedOut!.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
            await checkedOut!.query('START TRANSACTION');
          } catch (error) {
            // A level set for a transaction that never started would apply to the app's next one.
            broken = true;
            throw error;
          }
          let result;
          try {
            result = await body();
          } catch (error) {
            await checkedOut!.query('ROLLBACK').catch(() => {
              // The connection is gone or confused: it must not go back to the pool.
              broken = true;
            });
            throw error;
          }
          await checkedOut!.query('COMMIT');
          return result;
        },
      };

      pool.getConnection().then(
        async (opened) => {
          if (settled) {
            // The deadline passed while waiting for the pool: give the healthy connection back unused.
            opened.release();
            return;
          }
          checkedOut = opened;
          try {
            const value = await work(connection);
            settle(() => resolve(value));
          } catch (error) {
            settle(() => reject(toSessionError(error, operation)));
          }
        },
        (error: unknown) => settle(() => reject(toSessionError(error, operation, true))),
      );
    });

  return { run };
}

/**
 * Rows an UPDATE matched. mysql2 asks for found rows by default (`affectedRows` counts rows
 * matched, changed or not); with that flag off, the server's info line still says
 * "Rows matched: n", so a touch that moves nothing still finds its row.
 */
function matchedRows(result: unknown): number {
  if (typeof result !== 'object' || result === null) return 0;
  const { info, affectedRows } = result as { info?: unknown; affectedRows?: unknown };
  const matched = typeof info === 'string' ? /Rows matched: (\d+)/.exec(info)?.[1] : undefined;
  if (matched !== undefined) return Number(matched);
  return typeof affectedRows === 'number' ? affectedRows : 0;
}

/** Whether an error is the server's "duplicate key" (for the callers that map it). */
export const isDuplicate = (error: unknown): boolean => errnoOf(error) === 1062;
