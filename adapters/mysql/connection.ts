import { SessionError } from '../../src/errors.js';
import type { PoolDialect, Row, SqlValue } from '../sql/index.js';
import { breaksConnection, isGone, isLockConflict, toSessionError } from './errors.js';
import type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement } from './types.js';

// Text arrives as its bytes (every text column is VARBINARY), whatever the pool's options.
const BYTES = new Set(['VAR_STRING', 'STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);
const typeCast = (field: MysqlField, next: () => unknown): unknown => (BYTES.has(field.type) ? field.buffer() : next());
const statement = (sql: string): MysqlStatement => ({ sql, typeCast, rowsAsArray: false, nestTables: false });
// Text goes as bytes too, which mysql2 writes as hex literals: no charset, no escaping mode matters.
const toValue = (value: SqlValue): Buffer | number | null => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);

/** MySQL's side of the shared pool runner: READ COMMITTED (no gap locks), a deadlock retried once, `KILL` past a deadline. */
export function mysqlPool(pool: MysqlPool): PoolDialect<MysqlPoolConnection> {
  const autocommitOn = new WeakSet<object>();
  return {
    database: 'MySQL',
    connect: () => pool.getConnection(),
    async query(connection, { text }, values) {
      const [answer] = await connection.query(statement(text), values.map(toValue));
      // A CALL answers its result sets then a header: its rows are the first set's.
      const result: unknown = Array.isArray(answer) && Array.isArray(answer[0]) ? answer[0] : answer;
      return Array.isArray(result) ? { rows: result as Row[], count: result.length } : { rows: [], count: matchedRows(result) };
    },
    release: (connection, destroy) => (destroy ? connection.destroy() : connection.release()),
    breaks: breaksConnection,
    gone: isGone,
    identity: (connection) => connection.connection ?? connection,
    begin: () => ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION'],
    retry: isLockConflict,
    // The connection is KILLed even between statements: its open transaction holds locks.
    stop: { sql: 'KILL ?', id: (connection) => connection.threadId, idle: true },
    async prepare(connection, c) {
      const physical = connection.connection ?? connection;
      if (autocommitOn.has(physical)) return;
      // With autocommit off, reads would keep one old snapshot: a revoked session would still validate.
      const { rows } = await c.run('SELECT @@autocommit AS autocommit');
      if (Number(rows[0]?.['autocommit']) !== 1) {
        throw new SessionError(
          'INVALID_CONFIGURATION',
          'mysqlStore needs autocommit on (the server default) on the pool\'s connections: remove "SET autocommit = 0" or init_connect that turns it off, or give the store a pool of its own.',
        );
      }
      autocommitOn.add(physical);
    },
    toSessionError,
  };
}

// The rows an UPDATE matched, whatever the found-rows flag: a touch that moves nothing still finds its row.
function matchedRows(result: unknown): number {
  const { info, affectedRows } = (result ?? {}) as { info?: unknown; affectedRows?: unknown };
  const matched = typeof info === 'string' ? /Rows matched: (\d+)/.exec(info)?.[1] : undefined;
  return matched !== undefined ? Number(matched) : typeof affectedRows === 'number' ? affectedRows : 0;
}
