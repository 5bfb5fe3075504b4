import mysql from 'mysql2/promise';
import type { MysqlPool, MysqlPoolConnection } from '../../adapters/mysql/index.js';
import { requireService } from './services.js';

/** Where the adapter tests find MariaDB or MySQL: root with no password on 127.0.0.1, database `test`. */
export const MYSQL_URL = process.env['MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/** Whether the server answers; skips the suite on a laptop without it, fails under CI=true. */
export const mysqlUp = (): Promise<boolean> => requireService('MySQL/MariaDB', 3306);

/** A promise pool on the test database. */
export function testMysqlPool(options: mysql.PoolOptions = {}): mysql.Pool {
  return mysql.createPool({ uri: MYSQL_URL, connectionLimit: 10, ...options });
}

let prefixes = 0;

/** A pool for a store that tells `seen` every statement its connections send (the SQL text and its values). */
export function watchedMysqlPool(pool: mysql.Pool, seen: (sql: string, values: readonly unknown[]) => void): MysqlPool {
  return {
    getConnection: async () => {
      const connection = await pool.getConnection();
      return new Proxy(connection, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return (statement: { sql: string }, values: unknown[]) => {
            seen(statement.sql, values);
            return value.call(target, statement, values) as unknown;
          };
        },
      }) as unknown as MysqlPoolConnection;
    },
  };
}

/** A table prefix unique to this process and call. */
export function freshPrefix(label = 't'): string {
  prefixes += 1;
  return `sr_${label}_${process.pid}_${Date.now().toString(36)}_${prefixes}_`;
}

/** Drops every table and procedure whose name starts with one of the prefixes. */
export async function dropPrefixes(pool: mysql.Pool, prefixList: Iterable<string>): Promise<void> {
  for (const prefix of prefixList) {
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
      [`${prefix.replaceAll('_', '\\_')}%`],
    );
    for (const { name } of rows) await pool.query(`DROP TABLE IF EXISTS \`${String(name)}\``);
    const [routines] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = DATABASE() AND routine_name LIKE ?',
      [`${prefix.replaceAll('_', '\\_')}%`],
    );
    for (const { name } of routines) await pool.query(`DROP PROCEDURE IF EXISTS \`${String(name)}\``);
  }
}

/**
 * Waits until a transaction is blocked on a row lock while running a statement that contains
 * `fragment` (a table name, say); answers its server thread id. Polls the server, 10 s at most.
 */
export async function lockWaitOn(pool: mysql.Pool, fragment: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      "SELECT trx_mysql_thread_id AS thread FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND INSTR(trx_query, ?) > 0",
      [fragment],
    );
    if (rows.length > 0) return Number(rows[0]!['thread']);
    if (Date.now() - started > 10_000) {
      throw new Error(`no statement on ${fragment} waited for a lock within 10 s`);
    }
    // The server refreshes what INNODB_TRX shows only when it was not read for 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
