import { SessionError } from '../../src/errors.js';
import { breaksConnection, isLockConflict, timedOut, toSessionError } from './errors.js';
import type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement, MysqlValue } from './types.js';

/** A column as the store reads it: a string column's bytes, a number column as the driver gives it. */
export type Cell = Buffer | number | string | bigint | null;
/** A row, keyed by column name. */
export type Row = Readonly<Record<string, Cell>>;
/** A value written into a statement's text: bytes as a hex literal, a safe integer as digits, or NULL. */
export type Literal = Buffer | number | null;

/** One checked-out connection, for the duration of one store operation. */
export interface Connection {
  /** Runs a statement of fixed text as a server-side prepared statement (mysql2 keeps it per connection for the next call). */
  rows(sql: string, values?: readonly MysqlValue[]): Promise<readonly Row[]>;
  /** The same for a write; answers the rows it matched (found), changed or not. */
  write(sql: string, values?: readonly MysqlValue[]): Promise<number>;
  /**
   * Runs a statement whose text varies from call to call (a list of any length, a limit) with
   * its values written into the text: a prepared statement per length would pile up against
   * the server's `max_prepared_stmt_count`, which the app shares. Hex literals need no escaping
   * whatever the `sql_mode`.
   */
  rowsInline(sql: string, values: readonly Literal[]): Promise<readonly Row[]>;
  /** The same for a write; answers the rows it matched. */
  writeInline(sql: string, values: readonly Literal[]): Promise<number>;
  /**
   * Runs `body` in a READ COMMITTED transaction (for that transaction only: InnoDB takes no gap
   * locks, and each read sees what others committed before it). Rolled back whole by a deadlock
   * or a lock wait timeout, or by {@link RowsChanged}, it runs once more.
   */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /** Closes the connection after the operation instead of giving it back (it may hold a lock it failed to release). */
  discard(): void;
}

/** Thrown by a transaction's body when rows it read were changed by another connection before it wrote them. */
export class RowsChanged extends SessionError {
  constructor() {
    super('STORE_UNAVAILABLE', 'MySQL session store: rows changed on another connection twice during the operation; nothing was written.');
  }
}

/**
 * Checks a connection out, runs `work`, gives it back. Rejects with `STORE_UNAVAILABLE` once
 * `timeoutMs` (waiting for the pool included) has passed; the connection is then closed and
 * killed on the server, so the locks it held go at once. `null`: no deadline.
 */
export type Run = <T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs?: number | null) => Promise<T>;

// String and binary columns arrive as their bytes (every text column is VARBINARY: no charset
// conversion, no collation); numbers as the driver parses them, whatever the pool's options.
const BYTES = new Set(['VAR_STRING', 'STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);
const typeCast = (field: MysqlField, next: () => unknown): unknown => (BYTES.has(field.type) ? field.buffer() : next());
const statement = (sql: string): MysqlStatement => ({ sql, typeCast, rowsAsArray: false, nestTables: false });

function inline(sql: string, values: readonly Literal[]): string {
  let index = 0;
  // Every `?` is a placeholder: no template of the store has one inside a string literal.
  const text = sql.replace(/\?/g, () => {
    const value = values[index++];
    if (value === null) return 'NULL';
    if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
    if (Number.isSafeInteger(value)) return String(value);
    throw new TypeError(`cannot write ${String(value)} into a statement`);
  });
  if (index !== values.length) throw new TypeError(`${values.length} values for ${index} placeholders`);
  return text;
}

/**
 * Binds the app's pool and the default deadline.
 * @param pool - The app's `mysql2/promise` pool.
 * @param defaultTimeoutMs - The deadline of every operation that does not name its own.
 */
export function database(pool: MysqlPool, defaultTimeoutMs: number): Run {
  // The physical connections found with autocommit on; one statement each over the pool's life.
  const checked = new WeakSet<object>();
  const run: Run = (operation, work, timeoutMs = defaultTimeoutMs) =>
    new Promise((resolve, reject) => {
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
                // Best effort, after the caller has its answer: ends the abandoned statement now
                // rather than when its lock wait runs out.
                if (typeof threadId === 'number') run('kill', (connection) => connection.writeInline('KILL ?', [threadId])).catch(() => undefined);
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

      const send = async (sql: string, values: readonly MysqlValue[], prepared: boolean): Promise<unknown> => {
        try {
          const [result] = prepared ? await checkedOut!.execute(statement(sql), [...values]) : await checkedOut!.query(statement(sql), []);
          return result;
        } catch (error) {
          if (breaksConnection(error)) broken = true;
          throw error;
        }
      };
      const rows = async (sql: string, values: readonly MysqlValue[], prepared: boolean): Promise<readonly Row[]> => {
        const result = await send(sql, values, prepared);
        if (!Array.isArray(result)) throw new TypeError('expected rows from a SELECT');
        return result as readonly Row[];
      };
      const write = async (sql: string, values: readonly MysqlValue[], prepared: boolean): Promise<number> => matchedRows(await send(sql, values, prepared));
      const once = async <T>(body: () => Promise<T>): Promise<T> => {
        try {
          await send('SET TRANSACTION ISOLATION LEVEL READ COMMITTED', [], false);
          await send('START TRANSACTION', [], false);
        } catch (error) {
          // A level set for a transaction that never started would apply to the app's next one.
          broken = true;
          throw error;
        }
        try {
          const result = await body();
          await send('COMMIT', [], false);
          return result;
        } catch (error) {
          // A connection that cannot roll back must not go back to the pool.
          await send('ROLLBACK', [], false).catch(() => (broken = true));
          throw error;
        }
      };
      const connection: Connection = {
        rows: (sql, values = []) => rows(sql, values, true),
        write: (sql, values = []) => write(sql, values, true),
        rowsInline: (sql, values) => rows(inline(sql, values), [], false),
        writeInline: (sql, values) => write(inline(sql, values), [], false),
        async transaction(body) {
          try {
            return await once(body);
          } catch (error) {
            if (!isLockConflict(error) && !(error instanceof RowsChanged)) throw error;
            return once(body);
          }
        },
        discard: () => void (broken = true),
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
            const physical = opened.connection ?? opened;
            if (!checked.has(physical)) {
              await refuseWithoutAutocommit(connection);
              checked.add(physical);
            }
            const value = await work(connection);
            settle(() => resolve(value));
          } catch (error) {
            settle(() => reject(toSessionError(error, operation)));
          }
        },
        (error: unknown) => settle(() => reject(toSessionError(error, operation, true))),
      );
    });
  return run;
}

// With autocommit off, every read would run in a transaction the store never commits, seeing one
// old snapshot: a revoked session would still validate. Checked the first time the store uses
// each connection; a connection the app turns off later goes unseen (docs: the app must not).
async function refuseWithoutAutocommit(connection: Connection): Promise<void> {
  const [row] = await connection.rowsInline('SELECT @@autocommit AS autocommit', []);
  if (Number(row?.['autocommit']) !== 1) {
    throw new SessionError(
      'INVALID_CONFIGURATION',
      'mysqlStore needs autocommit on (the server default) on the pool\'s connections: remove "SET autocommit = 0" or init_connect that turns it off, or give the store a pool of its own.',
    );
  }
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
