import mysql from 'mysql2/promise';
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

/** A table prefix unique to this process and call. */
export function freshPrefix(label = 't'): string {
  prefixes += 1;
  return `sr_${label}_${process.pid}_${Date.now().toString(36)}_${prefixes}_`;
}

/** Drops every table whose name starts with one of the prefixes. */
export async function dropPrefixes(pool: mysql.Pool, prefixList: Iterable<string>): Promise<void> {
  for (const prefix of prefixList) {
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
      [`${prefix.replaceAll('_', '\\_')}%`],
    );
    for (const { name } of rows) await pool.query(`DROP TABLE IF EXISTS \`${String(name)}\``);
  }
}
