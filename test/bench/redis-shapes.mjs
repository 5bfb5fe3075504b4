// Redis's own time per validation for the shapes a validation's read could take, against the
// rows the store really writes: what the 3 µs budget of Redis time per validation is up against.
//
//   taskset -c 1 node test/bench/redis-shapes.mjs [seconds per measurement = 3]
//
// Signs in users through the built store (one session each, a real User-Agent), then reads
// each session and its user's epochs with raw commands, 50 reads in flight from one node-redis
// client, for each shape and two sizes of keyspace: the 1,000 users of `npm run bench` (its
// keys fit in the CPU's caches) and 20,000 (about 300,000 keys, which do not), sessions chosen
// at random. Redis time per validation is INFO commandstats of the top-level commands (a
// transaction's or a script's time holds the commands run inside it), over the reads made.
// Shapes:
//   - transaction (as shipped): MULTI, HGETALL session, HGETALL user epochs, EXEC;
//   - script (the earlier shape): one EVALSHA_RO running both HGETALLs;
//   - two plain commands: the same HGETALLs pipelined without a transaction (not one point
//     in time: measured to show what the transaction itself costs);
//   - session as one string: MULTI, GET of the row serialized into one string, HGETALL
//     epochs, EXEC (a copy of each row written for this measurement: what a change of the
//     row's layout would gain);
//   - session row as a listpack hash: the same, with a copy of the row's hash whose values are
//     cut to at most 60 bytes, so that Redis keeps it as one listpack and not a hash table;
//   - the row as shipped on a server tuned for it: a copy of the row's hash, the same fields
//     and values, written while the server's hash-max-listpack-value is 512, so that Redis
//     keeps it as one listpack: what that setting gains a deployment without a change of the
//     row's layout.
// Memory: one row (MEMORY USAGE) as written and as the tuned copy; and a whole session
// (used_memory over 20,000 sessions of 10,000 users signed in through the store, as
// test/bench/capacity.mjs measures it) on the server as it is and with the setting.
// The script raises hash-max-listpack-value on the server for those writes and sets it back
// after them (also when it fails): run it on a Redis no other benchmark or app is writing to.
// It refuses to start unless the setting is Redis's default (64), which a run stopped by force
// in the middle could leave raised.
// Writes test/bench/results/redis-shapes.md. Needs Redis at REDIS_URL (default 127.0.0.1:6379).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ensureBuilt } from './lib/build.mjs';
import { forEachConcurrently, median, UAS } from './lib/load.mjs';
import { machineFacts, uptime } from './lib/machine.mjs';
import { commandstats } from './lib/redis-time.mjs';
import { deleteRedisPrefix, namespace, nodeRedisClient } from './lib/stores.mjs';

const seconds = Number(process.argv[2] ?? 3);
const SIZES = [1_000, 20_000];
const IN_FLIGHT = 50;
const ROUNDS = 3;
const TOP_LEVEL = new Set(['multi', 'exec', 'evalsha_ro', 'evalsha']);
const BOTH_SCRIPT = "return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}";

ensureBuilt();
const { createSessionManager } = await import(join(DIST, 'index.js'));
const { redisStore } = await import(join(DIST, 'redis.js'));

const DEFAULT_LISTPACK_VALUE = '64';
const TUNED_LISTPACK_VALUE = '512';

async function listpackValue(client) {
  const [, value] = await client.sendCommand(['CONFIG', 'GET', 'hash-max-listpack-value']);
  return String(value);
}

/** Runs `write` with the server's hash-max-listpack-value at 512, then sets the default back. */
async function withTunedServer(client, write) {
  await client.sendCommand(['CONFIG', 'SET', 'hash-max-listpack-value', TUNED_LISTPACK_VALUE]);
  try {
    return await write();
  } finally {
    await client.sendCommand(['CONFIG', 'SET', 'hash-max-listpack-value', DEFAULT_LISTPACK_VALUE]);
  }
}

const encoding = async (client, key) => String(await client.sendCommand(['OBJECT', 'ENCODING', key]));

/** Signs in `users` users on a fresh prefix; returns each session's keys and a cleanup. */
async function populate(client, users) {
  const { redisPrefix: prefix } = namespace(`shapes_${users}`);
  const sessions = createSessionManager({ store: redisStore({ client, prefix }) });
  const ids = new Array(users);
  await forEachConcurrently(users, 20, async (index) => {
    ids[index] = (await sessions.create({ userId: `user-${index}`, userAgent: UAS[index % UAS.length], ip: '10.0.0.1' })).session.id;
  });
  await sessions.close();
  try {
    return await copies(client, prefix, ids, () => deleteRedisPrefix(prefix));
  } catch (error) {
    await deleteRedisPrefix(prefix);
    throw error;
  }
}

/** The copies of each row the shapes read, and the memory of a row as written and tuned. */
async function copies(client, prefix, ids, cleanup) {
  const rows = [];
  for (const [index, id] of ids.entries()) {
    // The layout of adapters/redis/layout.ts: a session's and its user's keys share its {bucket}.
    const bucket = id.slice(0, 3);
    const session = `${prefix}{${bucket}}:s:${id}`;
    const flat = await client.sendCommand(['HGETALL', session]);
    if (!Array.isArray(flat) || flat.length === 0) throw new Error(`no row at ${session}: the store's key layout changed`);
    const copy = `${prefix}{${bucket}}:copy:${id}`;
    await client.sendCommand(['SET', copy, JSON.stringify(flat)]);
    // The same fields with every value cut to at most 60 bytes: a hash Redis keeps as one
    // listpack (hash-max-listpack-value is 64 by default), where the row's hash is a table.
    const small = `${prefix}{${bucket}}:small:${id}`;
    const cut = [];
    for (let at = 0; at < flat.length; at += 2) {
      const value = String(flat[at + 1]);
      for (let from = 0, part = 0; from < value.length; from += 60, part++) cut.push(`${flat[at]}${part}`, value.slice(from, from + 60));
    }
    await client.sendCommand(['HSET', small, ...cut]);
    rows.push({ session, flat, epochs: `${prefix}{${bucket}}:u:user-${index}:e`, copy, small, tuned: `${prefix}{${bucket}}:tuned:${id}` });
  }
  // The same fields and values written on a server tuned to keep them in a listpack, all in
  // one window of the raised setting.
  await withTunedServer(client, async () => {
    for (const row of rows) await client.sendCommand(['HSET', row.tuned, ...row.flat.map(String)]);
  });
  const [first] = rows;
  const encodings = { row: await encoding(client, first.session), small: await encoding(client, first.small), tuned: await encoding(client, first.tuned) };
  if (encodings.row !== 'hashtable' || encodings.small !== 'listpack' || encodings.tuned !== 'listpack') {
    throw new Error(`unexpected encodings (row ${encodings.row}, cut copy ${encodings.small}, tuned copy ${encodings.tuned}): the shapes would not measure what they say`);
  }
  const keys = Number(await client.sendCommand(['DBSIZE']));
  // Memory of one row as the store writes it and as the tuned server keeps it (the first 1,000).
  const sample = rows.slice(0, 1_000);
  const usage = async (key) => {
    const bytes = Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
    if (!(bytes > 0)) throw new Error(`MEMORY USAGE ${key} answered no size`);
    return bytes;
  };
  const bytes = { row: 0, tuned: 0 };
  for (const row of sample) {
    bytes.row += await usage(row.session);
    bytes.tuned += await usage(row.tuned);
  }
  return { rows, keys, cleanup, rowBytes: bytes.row / sample.length, tunedBytes: bytes.tuned / sample.length };
}

/** Redis µs per validation and validations per second of one shape, `seconds` long. */
async function measure(client, rows, shape) {
  const before = commandstats(await client.sendCommand(['INFO', 'commandstats']));
  let count = 0;
  const end = performance.now() + seconds * 1_000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        for (let step = 0; step < 32; step++) {
          const row = rows[Math.floor(Math.random() * rows.length)];
          await Promise.all(shape(row).map((command) => client.sendCommand(command)));
          count++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  const after = commandstats(await client.sendCommand(['INFO', 'commandstats']));
  let usec = 0;
  let plain = 0;
  for (const [name, stat] of after) {
    const spent = stat.usec - (before.get(name)?.usec ?? 0);
    if (TOP_LEVEL.has(name)) usec += spent;
    if (name === 'hgetall' || name === 'get') plain += spent;
  }
  return { usec: usec > 0 ? usec / count : plain / count, rate: count / elapsed };
}

/** used_memory per session: 20,000 sessions of 10,000 users signed in through the store. */
async function memoryPerSession(client, label) {
  const { redisPrefix: prefix } = namespace(`shapes_memory_${label}`);
  const sessions = createSessionManager({ store: redisStore({ client, prefix }) });
  const count = 20_000;
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(String(await client.sendCommand(['INFO', 'memory'])))[1]);
  try {
    const before = await usedMemory();
    await forEachConcurrently(count, 20, async (index) => {
      await sessions.create({ userId: `user-${index % (count / 2)}`, userAgent: UAS[index % UAS.length], ip: `10.0.${(index >> 8) & 255}.${index & 255}` });
    });
    return ((await usedMemory()) - before) / count;
  } finally {
    await sessions.close();
    await deleteRedisPrefix(prefix);
  }
}

const client = await nodeRedisClient();
const startingValue = await listpackValue(client);
if (startingValue !== DEFAULT_LISTPACK_VALUE) {
  await client.close();
  throw new Error(`hash-max-listpack-value is ${startingValue}, not Redis's default ${DEFAULT_LISTPACK_VALUE}: set it back (CONFIG SET hash-max-listpack-value 64) to measure the store as shipped`);
}
const sha = String(await client.sendCommand(['SCRIPT', 'LOAD', BOTH_SCRIPT]));
const SHAPES = [
  ['transaction (as shipped): MULTI, HGETALL, HGETALL, EXEC', (row) => [['MULTI'], ['HGETALL', row.session], ['HGETALL', row.epochs], ['EXEC']]],
  ['script (the earlier shape): EVALSHA_RO with both HGETALLs', (row) => [['EVALSHA_RO', sha, '2', row.session, row.epochs]]],
  ['two plain HGETALLs, pipelined, no transaction (not one point in time)', (row) => [['HGETALL', row.session], ['HGETALL', row.epochs]]],
  ['session row as one string: MULTI, GET, HGETALL, EXEC', (row) => [['MULTI'], ['GET', row.copy], ['HGETALL', row.epochs], ['EXEC']]],
  ['session row as a listpack hash (values cut to 60 bytes): MULTI, HGETALL, HGETALL, EXEC', (row) => [['MULTI'], ['HGETALL', row.small], ['HGETALL', row.epochs], ['EXEC']]],
  ['the row as shipped, on a server with hash-max-listpack-value 512 (a listpack): MULTI, HGETALL, HGETALL, EXEC', (row) => [['MULTI'], ['HGETALL', row.tuned], ['HGETALL', row.epochs], ['EXEC']]],
];

const results = [];
const memory = {};
const load = { before: uptime() };
try {
  console.error('redis-shapes: memory per session, as the server is and with hash-max-listpack-value 512');
  memory.plain = await memoryPerSession(client, 'plain');
  memory.tuned = await withTunedServer(client, () => memoryPerSession(client, 'tuned'));
  for (const users of SIZES) {
    console.error(`redis-shapes: signing in ${users.toLocaleString('en-US')} users`);
    const { rows, keys, cleanup, rowBytes, tunedBytes } = await populate(client, users);
    try {
      for (const [, shape] of SHAPES) await measure(client, rows, shape); // warm-up, each shape once
      const runs = SHAPES.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [index, [label, shape]] of SHAPES.entries()) {
          const result = await measure(client, rows, shape);
          runs[index].push(result);
          console.error(`redis-shapes: ${users} users, round ${round + 1}: ${label}: ${result.usec.toFixed(2)} µs, ${Math.round(result.rate)}/s`);
        }
      }
      results.push({ users, keys, rowBytes, tunedBytes, shapes: SHAPES.map(([label], index) => ({ label, usec: runs[index].map((run) => run.usec), rate: median(runs[index].map((run) => run.rate)) })) });
    } finally {
      await cleanup();
    }
  }
} finally {
  load.after = uptime();
  await client.close();
}

const facts = machineFacts();
const format = (value) => value.toFixed(2);
const lines = [
  '# Redis time per validation, by the shape of the read',
  '',
  `Written by \`node test/bench/redis-shapes.mjs ${seconds}\` on ${facts.date.slice(0, 10)}; code measured: \`dist/\` built from ${facts.commit}.`,
  `Machine: ${facts.cpu}, ${facts.cores} cores, Node.js ${facts.node}; Redis ${await redisVersion()}. Load before the run: \`${load.before}\`; after: \`${load.after}\`.`,
  'The machine is shared: compare rows of this run, not runs.',
  '',
  'Method: users signed in through the built store (one session each, real User-Agents); each read takes a random',
  `session and its user's epochs, ${IN_FLIGHT} reads in flight from one node-redis client. Redis time is INFO commandstats`,
  '(time spent executing commands, not reading or writing sockets) of the top-level commands divided by the reads;',
  `${ROUNDS} rounds of ${seconds} s per shape, shapes in turn within a round. The budget is at most 3 µs of Redis time per validation.`,
  '',
  '| users (keys in Redis) | shape | Redis µs per validation (rounds) | median | reads/s (median) |',
  '|---|---|---|---|---|',
];
for (const { users, keys, shapes } of results) {
  for (const { label, usec, rate } of shapes) {
    lines.push(`| ${users.toLocaleString('en-US')} (${keys.toLocaleString('en-US')}) | ${label} | ${usec.map(format).join(', ')} | ${format(median(usec))} | ${Math.round(rate).toLocaleString('en-US')} |`);
  }
}
lines.push('', 'Memory of one session row (MEMORY USAGE, the first 1,000 rows): as the store writes it on a default server, and the same fields on a server with hash-max-listpack-value 512.', '');
lines.push('| users | row as written (hash table) | row on the tuned server (listpack) |', '|---|---|---|');
for (const { users, rowBytes, tunedBytes } of results) lines.push(`| ${users.toLocaleString('en-US')} | ${Math.round(rowBytes)} B | ${Math.round(tunedBytes)} B |`);
lines.push(
  '',
  'Memory of a whole session (used_memory over 20,000 sessions of 10,000 users signed in through the store: the row, its',
  "entries in the user's index, device set and prune queue, the sign-in's activity entry and device sighting, the user's",
  `keys shared by their sessions): ${Math.round(memory.plain).toLocaleString('en-US')} B on the server as it is, ${Math.round(memory.tuned).toLocaleString('en-US')} B with hash-max-listpack-value 512.`,
);
writeFileSync(new URL('./results/redis-shapes.md', import.meta.url), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));

async function redisVersion() {
  const probe = await nodeRedisClient();
  try {
    return /redis_version:([^\r\n]+)/.exec(String(await probe.sendCommand(['INFO', 'server'])))?.[1] ?? 'unknown';
  } finally {
    await probe.close();
  }
}
