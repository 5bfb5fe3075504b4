import { SessionError } from '../../src/errors.js';
import type { Row, SqlValue } from '../sql/index.js';
import { timedOut } from '../sql/errors.js';
import { breaksConnection, isLockConflict, toSessionError } from './errors.js';
import type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement } from './types.js';

/** One checked-out connection, for the length of one store operation. */
export interface Connection {
  /** Runs one statement: its rows, and the rows it matched (UPDATE) or changed. */
  run(sql: string, values?: readonly SqlValue[]): Promise<{ readonly rows: readonly Row[]; readonly count: number }>;
  /** Runs `body` in a READ COMMITTED transaction (no gap locks), once more after a deadlock or lock wait timeout. */
  transaction<T>(body: () => Promise<T>): Promise<T>;
}

/** Runs operations on pooled connections under a deadline (`null`: none). */
export type Run = <T>(operation: string, work: (connection: Connection) => Promise<T>, timeoutMs?: number | null) => Promise<T>;

// Text arrives as its bytes (every text column is VARBINARY), whatever the pool's options.
const BYTES = new Set(['VAR_STRING', 'STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);
const typeCast = (field: MysqlField, next: () => unknown): unknown => (BYTES.has(field.type) ? field.buffer() : next());
const statement = (sql: string): MysqlStatement => ({ sql, typeCast, rowsAsArray: false, nestTables: false });
// Text goes as bytes too, which mysql2 writes as hex literals: no charset, no escaping mode matters.
const toValue = (value: SqlValue): Buffer | number | null => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);

/** Binds a pool and a default deadline, past which the call rejects and its connection is destroyed and `KILL`ed (its locks go). */
export function database(pool: MysqlPool, defaultTimeoutMs: number): Run {
  // Physical connections found with autocommit on.
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
                if (typeof threadId === 'number') run('kill', (connection) => connection.run('KILL ?', [threadId])).catch(() => undefined);
              }
              reject(timedOut('MySQL', operation, timeoutMs));
            }, timeoutMs);
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (broken) checkedOut?.destroy();
        else checkedOut?.release();
        outcome();
      };
      const send = async (sql: string, values: readonly SqlValue[] = []): Promise<{ rows: readonly Row[]; count: number }> => {
        try {
          const [result] = await checkedOut!.query(statement(sql), values.map(toValue));
          return Array.isArray(result) ? { rows: result as Row[], count: result.length } : { rows: [], count: matchedRows(result) };
        } catch (error) {
          if (breaksConnection(error)) broken = true;
          throw error;
        }
      };
      const once = async <T>(body: () => Promise<T>): Promise<T> => {
        try {
          await send('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
          await send('START TRANSACTION');
        } catch (error) {
          // A level set for a transaction that never started would apply to the app's next one.
          broken = true;
          throw error;
        }
        try {
          const result = await body();
          await send('COMMIT');
          return result;
        } catch (error) {
          await send('ROLLBACK').catch(() => (broken = true));
          throw error;
        }
      };
      const connection: Connection = {
        run: send,
        transaction: (body) => once(body).catch((error: unknown) => (isLockConflict(error) ? once(body) : Promise.reject(error))),
      };

      pool.getConnection().then(
        async (opened) => {
          if (settled) return opened.release();
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

// With autocommit off, reads would keep one old snapshot: a revoked session would still validate.
async function refuseWithoutAutocommit(connection: Connection): Promise<void> {
  const { rows } = await connection.run('SELECT @@autocommit AS autocommit');
  if (Number(rows[0]?.['autocommit']) !== 1) {
    throw new SessionError(
      'INVALID_CONFIGURATION',
      'mysqlStore needs autocommit on (the server default) on the pool\'s connections: remove "SET autocommit = 0" or init_connect that turns it off, or give the store a pool of its own.',
    );
  }
}

// The rows an UPDATE matched, whatever the found-rows flag: a touch that moves nothing still finds its row.
function matchedRows(result: unknown): number {
  const { info, affectedRows } = (result ?? {}) as { info?: unknown; affectedRows?: unknown };
  const matched = typeof info === 'string' ? /Rows matched: (\d+)/.exec(info)?.[1] : undefined;
  return matched !== undefined ? Number(matched) : typeof affectedRows === 'number' ? affectedRows : 0;
}
