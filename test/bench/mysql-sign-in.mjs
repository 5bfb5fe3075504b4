// Sign-ins one at a time on MariaDB, with the CPU each takes in the app and in the server, to
// compare two builds in alternate rounds (BENCH_DIST names the other build's dist/):
//   taskset -c 1 node test/bench/mysql-sign-in.mjs [seconds = 3]
// Prints one line of JSON: sign-ins per second, and app and server CPU µs per sign-in (the
// server's from /proc, in 10 ms ticks). Needs MariaDB at 127.0.0.1:3306/test (root, no password).
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { DIST, ensureBuilt } from './lib/build.mjs';
import { cpuMicros } from './lib/proc.mjs';

const seconds = Number(process.argv[2] ?? 3);
const USERS = 1_000;
const AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

if (process.env.BENCH_DIST === undefined) ensureBuilt();
const { createSessionManager } = await import(`${DIST}/index.js`);
const { mysqlStore } = await import(`${DIST}/mysql.js`);
const server = Number(execFileSync('pgrep', ['-o', '-x', 'mariadbd|mysqld'], { encoding: 'utf8' }).trim());

const pool = mysql.createPool({ uri: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test', connectionLimit: 4 });
const prefix = `srbench_in_${process.pid}_`;
try {
  const store = mysqlStore({ pool, prefix, statementTimeout: 30_000 });
  await store.migrate();
  const sessions = createSessionManager({ store });
  let n = 0;
  const signIn = () => sessions.create({ userId: `user-${n++ % USERS}`, userAgent: AGENT });
  for (const end = performance.now() + 500; performance.now() < end; ) await signIn();
  const [app, db, started] = [process.cpuUsage(), cpuMicros(server), performance.now()];
  let count = 0;
  for (const end = started + seconds * 1000; performance.now() < end; count++) await signIn();
  const elapsed = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(app);
  console.log(JSON.stringify({
    signInsPerSecond: Math.round(count / elapsed),
    appMicrosPerSignIn: Math.round((user + system) / count),
    serverMicrosPerSignIn: Math.round((cpuMicros(server) - db) / count),
  }));
  await sessions.close();
} finally {
  const like = [`${prefix.replaceAll('_', '\\_')}%`];
  const [tables] = await pool.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', like);
  for (const { name } of tables) await pool.query(`DROP TABLE IF EXISTS \`${name}\``);
  const [routines] = await pool.query('SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = DATABASE() AND routine_name LIKE ?', like);
  for (const { name } of routines) await pool.query(`DROP PROCEDURE IF EXISTS \`${name}\``);
  await pool.end();
}
