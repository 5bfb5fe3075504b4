// Sign-in and validation through PgBouncer in transaction mode beside a direct connection, in
// one run, with pg and postgres.js. Each case gets its own schema; every case runs the same
// measurements against the built store:
//   - sign-in: `sessions.create()` one at a time (each one new session of one of 1,000 users);
//   - validation: `sessions.validate()` of 1,000 users' cookie tokens in turn, one at a time
//     and with 50 in flight.
//
//   node test/bench/postgres-pooler.mjs [seconds per measurement = 3]
//
// Starts its own PgBouncer (test/bench/lib/pgbouncer.mjs) and writes the table to
// test/bench/results/postgres-pooler.md. Needs PostgreSQL at 127.0.0.1:5432/test.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import postgres from 'postgres';
import { ensureBuilt } from './lib/build.mjs';
import { startPgBouncer } from './lib/pgbouncer.mjs';

const seconds = Number(process.argv[2] ?? 3);
const DIRECT = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USERS = 1_000;
const POOL_SIZE = 10;
const WARMUP_MS = 500;

ensureBuilt();
const { createSessionManager } = await import('../../dist/index.js');
const { postgresStore } = await import('../../dist/postgres.js');

/** Calls `operation` for `ms` with `concurrency` calls in flight; per second and median ms. */
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
  return { perSecond: latencies.length / (ms / 1000), median: latencies[Math.floor(latencies.length / 2)] };
}

const clients = [];
const pgPool = (url) => {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => undefined);
  clients.push(() => pool.end());
  return pool;
};
const postgresJs = (url) => {
  const sql = postgres(url, { max: POOL_SIZE, onnotice: () => undefined });
  clients.push(() => sql.end());
  return sql;
};

const bouncer = await startPgBouncer();
const admin = pgPool(DIRECT);
const schemas = [];
const rows = [];
try {
  const cases = [
    ['pg, direct', () => ({ pool: pgPool(DIRECT) })],
    ['pg, direct, preparedStatements: false', () => ({ pool: pgPool(DIRECT), preparedStatements: false })],
    ['pg, through PgBouncer (transaction mode)', () => ({ pool: pgPool(bouncer.url), preparedStatements: false })],
    ['postgres.js, direct', () => ({ pool: postgresJs(DIRECT) })],
    ['postgres.js, through PgBouncer (transaction mode)', () => ({ pool: postgresJs(bouncer.url), preparedStatements: false })],
  ];
  for (const [label, options] of cases) {
    const schema = `srbench_pooler_${process.pid}_${schemas.length}`;
    schemas.push(schema);
    // migrate() over the direct connection; the case's own client for everything measured.
    await postgresStore({ pool: admin, schema, listen: false }).migrate();
    const store = postgresStore({ ...options(), schema, listen: false });
    const sessions = createSessionManager({ store });
    const tokens = [];
    for (let user = 0; user < USERS; user++) tokens.push((await sessions.create({ userId: `user-${user}` })).token);
    const signIn = (n) => sessions.create({ userId: `user-${n % USERS}` });
    const validate = async (n) => {
      if (!(await sessions.validate(tokens[n % USERS])).ok) throw new Error('a session did not validate');
    };
    await measure(signIn, WARMUP_MS, 1);
    const signIns = await measure(signIn, seconds * 1000, 1);
    // Sign-ins above replaced nothing (no User-Agent: no device), so every token still validates.
    await measure(validate, WARMUP_MS, 50);
    const single = await measure(validate, seconds * 1000, 1);
    const parallel = await measure(validate, seconds * 1000, 50);
    await sessions.close();
    rows.push({ label, signIns, single, parallel });
    console.log(label, Math.round(signIns.perSecond), Math.round(single.perSecond), Math.round(parallel.perSecond));
  }
} finally {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const close of clients) await close();
  await bouncer.stop();
}

const n = (value) => Math.round(value).toLocaleString('en');
const ms = (value) => `${value.toFixed(2)} ms`;
const commit = execSync('git log -1 --format="%h %s"', { encoding: 'utf8' }).trim();
const load = execSync('uptime', { encoding: 'utf8' }).trim();
const text = `# PostgreSQL through a transaction pooler

Written by \`node test/bench/postgres-pooler.mjs ${seconds}\` on ${new Date().toISOString().slice(0, 10)}; code measured: \`dist/\` built from ${commit}.
Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node.js ${process.version}, load after the run: \`${load}\`.
The machine is shared: compare rows of this run, not runs.

Method: PostgreSQL at 127.0.0.1:5432 and PgBouncer ${execSync(`${process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer'} --version`, { encoding: 'utf8' }).split('\n')[0].replace('PgBouncer ', '')} in front of it on
127.0.0.1 (\`pool_mode = transaction\`, 10 server connections); each client has a pool of ${POOL_SIZE}. Not pinned to
a core: the client, PgBouncer and PostgreSQL share the machine's cores. Sign-in is \`sessions.create()\` one at a time;
validation is \`sessions.validate()\` of ${n(USERS)} users' cookie tokens in turn, one at a time and with 50 in flight;
${seconds} s each after a warm-up.

| Case | Sign-in, one at a time | Validation, one at a time | Validation, 50 in flight |
|---|---|---|---|
${rows.map((row) => `| ${row.label} | ${n(row.signIns.perSecond)}/s (median ${ms(row.signIns.median)}) | ${n(row.single.perSecond)}/s (median ${ms(row.single.median)}) | ${n(row.parallel.perSecond)}/s (median ${ms(row.parallel.median)}) |`).join('\n')}

Through the pooler every statement is unnamed (\`preparedStatements: false\`): the server parses and plans it each
time, and PgBouncer adds a hop. postgres.js sends an unnamed statement with parameters in two round trips (it asks the
server for the parameter types first), so its pooled rows pay one more round trip per call than pg's.
`;
writeFileSync(new URL('results/postgres-pooler.md', import.meta.url), text);
console.log(text);
