// The figures behind docs/capacity.md, measured on this machine: for each store, the CPU one
// validation costs the store's server (Redis: the redis-server process; PostgreSQL: the backend
// processes of the store's own connections; both from /proc, so other clients of a shared
// server do not count) and the app process, and the memory one session takes in the store.
//
//   node test/bench/capacity.mjs [seconds = 3]
//
// Validations: 1,000 users with one session each, tokens presented in turn, 50 in flight, after
// a warm-up in which every token was validated once (the Redis store then knows each session's
// user). Memory: 20,000 sessions of 10,000 users (two devices each), real User-Agents;
// Redis `used_memory`, PostgreSQL `pg_total_relation_size` of the store's tables, both over the
// number of sessions. Redis must run on this machine (its pid is read from INFO server):
// REDIS_URL (default redis://127.0.0.1:6379); PostgreSQL as for `npm run bench`. Writes
// test/bench/results/capacity.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ensureBuilt } from './lib/build.mjs';
import { int } from './lib/format.mjs';
import { forEachConcurrently, throughput, UAS } from './lib/load.mjs';
import { cpuMicros } from './lib/proc.mjs';
import { nodeRedisClient, openStore } from './lib/stores.mjs';

const seconds = Number(process.argv[2] ?? 3);
const USERS = 1_000;
const STORED = 20_000;
ensureBuilt();
const { createSessionManager } = await import(join(DIST, 'index.js'));
const lines = [];
const log = (line) => {
  console.log(line);
  lines.push(line);
};

async function signIn(sessions, count, users) {
  const tokens = new Array(count);
  await forEachConcurrently(count, 20, async (index) => {
    tokens[index] = (await sessions.create({ userId: `cap-user-${index % users}`, userAgent: UAS[index % UAS.length], ip: `10.0.${index >> 8 & 255}.${index & 255}` })).token;
  });
  return tokens;
}

// Validations with 50 in flight; CPU of this process and of `serverPids` per validation (µs).
async function measure(sessions, tokens, serverPids) {
  const validate = async (index) => {
    const result = await sessions.validate(tokens[index % tokens.length]);
    if (!result.ok) throw new Error(`a valid token was refused (${result.reason})`);
  };
  for (const token of tokens) await sessions.validate(token);
  await throughput(validate, { seconds: 1, inFlight: 50 });
  const serverBefore = serverPids.map((pid) => cpuMicros(pid));
  const run = await throughput(validate, { seconds, inFlight: 50 });
  const server = serverPids.reduce((sum, pid, index) => sum + cpuMicros(pid) - serverBefore[index], 0);
  return { app: 1e6 / run.cpuRate, server: server / run.count, rate: run.rate };
}

async function redis(kind) {
  const admin = await nodeRedisClient();
  const pid = Number(/process_id:(\d+)/.exec(String(await admin.sendCommand(['INFO', 'server'])))[1]);
  readFileSync(`/proc/${pid}/stat`); // Redis must run on this machine
  const opened = await openStore(kind, `capacity_${kind}`);
  try {
    const sessions = createSessionManager({ store: opened.store });
    const tokens = await signIn(sessions, USERS, USERS);
    const cpu = await measure(sessions, tokens, [pid]);
    const before = Number(/used_memory:(\d+)/.exec(String(await admin.sendCommand(['INFO', 'memory'])))[1]);
    await signIn(sessions, STORED, STORED / 2);
    const after = Number(/used_memory:(\d+)/.exec(String(await admin.sendCommand(['INFO', 'memory'])))[1]);
    await sessions.close();
    return { ...cpu, bytes: (after - before) / STORED };
  } finally {
    await opened.close();
    await admin.close();
  }
}

async function postgres() {
  const opened = await openStore('postgres', 'capacity_postgres');
  try {
    const sessions = createSessionManager({ store: opened.store });
    const tokens = await signIn(sessions, USERS, USERS);
    // The backends of the store's own pool: open every connection, read its pid.
    const clients = await Promise.all(Array.from({ length: opened.pool.options.max ?? 10 }, () => opened.pool.connect()));
    const pids = await Promise.all(clients.map(async (client) => (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
    for (const client of clients) client.release();
    const cpu = await measure(sessions, tokens, pids);
    await signIn(sessions, STORED, STORED / 2);
    const size = await opened.pool.query(
      `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [opened.names.pgSchema],
    );
    const rows = Number((await opened.pool.query(`SELECT count(*) FROM "${opened.names.pgSchema}".sessions`).catch(() => ({ rows: [{ count: USERS + STORED }] }))).rows[0].count);
    await sessions.close();
    return { ...cpu, bytes: Number(size.rows[0].bytes) / rows };
  } finally {
    await opened.close();
  }
}

async function memory() {
  const opened = await openStore('memory', 'capacity_memory');
  const sessions = createSessionManager({ store: opened.store });
  const tokens = await signIn(sessions, USERS, USERS);
  const cpu = await measure(sessions, tokens, []);
  await sessions.close();
  return cpu;
}

const results = { memory: await memory(), redis: await redis('redis'), ioredis: await redis('ioredis'), postgres: await postgres() };
log('| store | app CPU per validation | store server CPU per validation | memory per session in the store |');
log('|---|---|---|---|');
for (const [kind, value] of Object.entries(results)) {
  log(`| ${kind} | ${value.app.toFixed(1)} µs | ${value.server === undefined || kind === 'memory' ? '—' : `${value.server.toFixed(1)} µs`} | ${value.bytes === undefined ? 'see the heap row of latest.md' : `${int(value.bytes)} B`} |`);
}
writeFileSync(new URL('results/capacity.md', import.meta.url), `# Capacity figures\n\nWritten by \`node test/bench/capacity.mjs ${seconds}\` on ${new Date().toISOString().slice(0, 10)} (see the script's header for the method; docs/capacity.md does the arithmetic).\n\n${lines.join('\n')}\n`);
