// The MySQL/MariaDB store beside the PostgreSQL store, in one run, at 10,000 sessions: each
// store is filled with 10,000 sessions (1,000 users, 10 each), then
//   - sign-in: `sessions.create()` one at a time (a new session of one of the 1,000 users);
//   - validation: `sessions.validate()` of the users' cookie tokens in turn, one at a time and
//     with 50 in flight.
//
//   node test/bench/mysql.mjs [seconds per measurement = 3]
//
// Writes the table to test/bench/results/mysql.md. Needs MariaDB or MySQL at
// 127.0.0.1:3306/test (root, no password) and PostgreSQL at 127.0.0.1:5432/test.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DIST, ensureBuilt } from './lib/build.mjs';

const seconds = Number(process.argv[2] ?? 3);
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USERS = 1_000;
const PER_USER = 10;
const POOL_SIZE = 10;
const WARMUP_MS = 500;

ensureBuilt();
const { createSessionManager } = await import(`${DIST}/index.js`);
const { mysqlStore } = await import(`${DIST}/mysql.js`);
const { postgresStore } = await import(`${DIST}/postgres.js`);

/** Calls `operation` for `ms` with `concurrency` calls in flight; per second, median and p99 ms. */
async function measure(operation, ms, concurrency) {
  const latencies = [];
  let next = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const at = performance.now();
        await operation(next++);
        latencies.push(performance.now() - at);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / (ms / 1000), median: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

const mysqlPool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: POOL_SIZE });
const pgPool = new pg.Pool({ connectionString: POSTGRES_URL, max: POOL_SIZE });
pgPool.on('error', () => undefined);
const prefix = `srbench_${process.pid}_`;
const schema = `srbench_mysql_${process.pid}`;
const rows = [];
try {
  const cases = [
    ['MariaDB, mysqlStore (mysql2)', async () => {
      const store = mysqlStore({ pool: mysqlPool, prefix, statementTimeout: 30_000 });
      await store.migrate();
      return store;
    }],
    ['PostgreSQL, postgresStore (pg)', async () => {
      const store = postgresStore({ pool: pgPool, schema, listen: false, statementTimeout: 30_000 });
      await store.migrate();
      return store;
    }],
  ];
  for (const [label, open] of cases) {
    const sessions = createSessionManager({ store: await open() });
    const tokens = [];
    // 10,000 sessions, 20 users signing in at a time (no User-Agent: no device replacement).
    for (let start = 0; start < USERS; start += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const made = [];
        for (let k = 0; k < PER_USER; k++) made.push((await sessions.create({ userId: `user-${start + i}` })).token);
        return made[0];
      }));
      tokens.push(...batch);
    }
    const signIn = (n) => sessions.create({ userId: `user-${n % USERS}` });
    const validate = async (n) => {
      if (!(await sessions.validate(tokens[n % USERS])).ok) throw new Error('a session did not validate');
    };
    await measure(signIn, WARMUP_MS, 1);
    const signIns = await measure(signIn, seconds * 1000, 1);
    // Every token validated once first: the fill took longer than touchInterval on the slower
    // store, and a first validation then writes its throttled touch, which is not what is measured.
    for (let user = 0; user < USERS; user++) await validate(user);
    await measure(validate, WARMUP_MS, 50);
    const single = await measure(validate, seconds * 1000, 1);
    const parallel = await measure(validate, seconds * 1000, 50);
    await sessions.close();
    rows.push({ label, signIns, single, parallel });
    console.log(label, Math.round(signIns.perSecond), Math.round(single.perSecond), Math.round(parallel.perSecond));
  }
} finally {
  const [tables] = await mysqlPool.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', [`${prefix}%`]);
  for (const { name } of tables) await mysqlPool.query(`DROP TABLE IF EXISTS \`${name}\``);
  const [routines] = await mysqlPool.query('SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = DATABASE() AND routine_name LIKE ?', [`${prefix}%`]);
  for (const { name } of routines) await mysqlPool.query(`DROP PROCEDURE IF EXISTS \`${name}\``);
  await pgPool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await mysqlPool.end();
  await pgPool.end();
}

const n = (value) => Math.round(value).toLocaleString('en');
const ms = (value) => `${value.toFixed(2)} ms`;
const commit = execSync('git log -1 --format="%h %s"', { encoding: 'utf8' }).trim();
const load = execSync('uptime', { encoding: 'utf8' }).trim();
const busy =
  loadavg()[0] > cpus().length
    ? ` Load was high (a 1-minute average of ${loadavg()[0].toFixed(2)} on ${cpus().length} cores: other work shared the machine), so every figure is lower than on an idle machine.`
    : '';
const version = execSync(`mariadb -uroot -h127.0.0.1 -N -e "SELECT VERSION()"`, { encoding: 'utf8' }).trim();
const text = `# MySQL/MariaDB store beside the PostgreSQL store

Written by \`node test/bench/mysql.mjs ${seconds}\` on ${new Date().toISOString().slice(0, 10)}; code measured: \`dist/\` built from ${commit}.
Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node.js ${process.version}, load after the run: \`${load}\`.
The machine is shared: compare rows of this run, not runs. One run.${busy}

Method: MariaDB ${version} at 127.0.0.1:3306 and PostgreSQL at 127.0.0.1:5432, default server settings, each store on a
pool of ${POOL_SIZE} connections, not pinned to a core. Each store first holds ${n(USERS * PER_USER)} sessions (${n(USERS)} users,
${PER_USER} each). Sign-in is \`sessions.create()\` one at a time (latency = one sign-in); validation is
\`sessions.validate()\` of the users' cookie tokens in turn, one at a time and with 50 in flight; ${seconds} s each after a warm-up.

| Store | Sign-in, one at a time | Validation, one at a time | Validation, 50 in flight |
|---|---|---|---|
${rows.map((row) => `| ${row.label} | ${n(row.signIns.perSecond)}/s (median ${ms(row.signIns.median)}, p99 ${ms(row.signIns.p99)}) | ${n(row.single.perSecond)}/s (median ${ms(row.single.median)}) | ${n(row.parallel.perSecond)}/s (median ${ms(row.parallel.median)}) |`).join('\n')}

Validation is one statement on both. A sign-in is two on both: the user's read, then one call of the routine
\`migrate()\` installs (a PostgreSQL function, a MySQL procedure) that applies the batch in one transaction.
`;
writeFileSync(new URL('results/mysql.md', import.meta.url), text);
console.log(text);
