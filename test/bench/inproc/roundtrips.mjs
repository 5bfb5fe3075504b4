// Store calls per validated request, counted at the wire. Redis: MONITOR on a separate
// connection, keeping only the lines of the store's own connection (and the commands its
// scripts ran on this run's keys), so other users of the server do not count. PostgreSQL:
// the pool handed to the store is wrapped and every statement sent is counted.
// Phase "steady": validations of recently used sessions (no touch due); then sign-ins of new
// users, one at a time (uncontended). Phase "touch": the same sessions seen by a manager whose
// clock is past touchInterval, validated twice each: one throttled write on the first request,
// none on the second.
// MySQL: the pool handed to the store is wrapped and every statement its connections send is counted.
//   node test/bench/inproc/roundtrips.mjs <store>
import { connect } from 'node:net';
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { sleep } from '../lib/load.mjs';
import { dropMysqlPrefix, mysqlPool, openStore, pgPool, redisUrl } from '../lib/stores.mjs';

const kind = process.argv[2];
const SESSIONS = 200;
const STEADY = 1_000;
const SIGN_INS = 100;
const { createSessionManager } = await import(join(DIST, 'index.js'));

// Counting hooks: `start()` begins counting, `stop()` returns { calls, writes, names }.
async function redisCounter(opened) {
  const info = String(kind === 'redis' ? await opened.client.sendCommand(['CLIENT', 'INFO']) : await opened.client.call('CLIENT', 'INFO'));
  const addr = /addr=(\S+)/.exec(info)[1];
  const { hostname, port } = new URL(redisUrl());
  const socket = connect(Number(port || 6379), hostname);
  socket.setEncoding('utf8');
  let counting = false;
  let lines = [];
  let buffered = '';
  let ready;
  const ok = new Promise((resolve) => (ready = resolve));
  socket.on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\r\n')) !== -1) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === '+OK') ready();
      else if (counting) lines.push(line);
    }
  });
  socket.write('MONITOR\r\n');
  await ok;
  const own = `[0 ${addr}]`;
  const prefix = opened.names.redisPrefix;
  const WRITES = /^"(HSET|HDEL|HINCRBY|DEL|UNLINK|SET|ZADD|ZREM|PEXPIREAT|PEXPIRE|EXPIRE|SADD|SREM|PUBLISH|HMSET)"/i;
  return {
    async start() {
      await sleep(300); // lines of earlier calls still in flight
      lines = [];
      counting = true;
    },
    async stop() {
      await sleep(300);
      counting = false;
      const names = {};
      let calls = 0;
      let writes = 0;
      // MULTI, its commands and EXEC are written together: one round trip, named by what it holds.
      let transaction;
      for (const line of lines) {
        const at = line.indexOf('] ');
        const source = line.slice(line.indexOf('['), at + 1);
        const command = line.slice(at + 2);
        if (source === own) {
          const name = /^"([^"]+)"/.exec(command)?.[1]?.toUpperCase();
          if (name === 'MULTI') {
            transaction = [];
            continue;
          }
          if (transaction !== undefined && name !== 'EXEC') {
            transaction.push(name);
            if (WRITES.test(command)) writes++;
            continue;
          }
          const label = name === 'EXEC' && transaction !== undefined ? `MULTI ${transaction.join(' ')} EXEC` : name;
          transaction = undefined;
          calls++;
          names[label] = (names[label] ?? 0) + 1;
        } else if (source === '[0 lua]' && command.includes(prefix) && WRITES.test(command)) {
          writes++;
        }
      }
      return { calls, writes, names };
    },
    close: () => socket.destroy(),
  };
}

// PostgreSQL and MySQL: each statement a checked-out connection sends is one round trip. `checkout`
// is the pool's method lending a connection, `methods` the connection's methods that send one,
// `classify` a statement's label and whether it writes.
function statementCounter(pool, checkout, methods, classify) {
  let counting = false;
  let calls = 0;
  let writes = 0;
  const names = {};
  const count = (query) => {
    if (!counting) return;
    const { label, write } = classify(query);
    calls++;
    if (write) writes++;
    names[label] = (names[label] ?? 0) + 1;
  };
  const counted = (target, value) => (query, ...rest) => (count(query), value.call(target, query, ...rest));
  const wrapConnection = (connection) =>
    new Proxy(connection, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (methods.includes(property)) return counted(target, value);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const wrapped = new Proxy(pool, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === checkout) return (...args) => value.call(target, ...args).then(wrapConnection);
      if (methods.includes(property)) return counted(target, value);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    pool: wrapped,
    async start() {
      counting = true;
      calls = 0;
      writes = 0;
      for (const key of Object.keys(names)) delete names[key];
    },
    async stop() {
      counting = false;
      return { calls, writes, names: { ...names } };
    },
    close() {},
  };
}

const pgCounter = (pool) =>
  statementCounter(pool, 'connect', ['query'], (config) => {
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const verb = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? '?';
    return { label: config?.name ?? verb, write: /^(INSERT|UPDATE|DELETE|BEGIN)$/.test(verb) || /\b(INSERT|UPDATE|DELETE)\b/i.test(text) };
  });

const mysqlCounter = (pool) =>
  statementCounter(pool, 'getConnection', ['query', 'execute'], (query) => {
    const text = typeof query === 'string' ? query : (query?.sql ?? '');
    const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? '?';
    const label = verb === 'SELECT' ? `SELECT ${/\bFROM\s+`?\w*?(sessions|owners|keys)\b/i.exec(text)?.[1] ?? ''}`.trim() : verb;
    return { label, write: /^(INSERT|UPDATE|DELETE)$/.test(verb) };
  });

let opened;
let counter;
if (kind === 'mysql') {
  const { mysqlStore } = await import(join(DIST, 'mysql.js'));
  const pool = await mysqlPool();
  const prefix = `srbench_rt_${process.pid}_`;
  counter = mysqlCounter(pool);
  const store = mysqlStore({ pool: counter.pool, prefix });
  await store.migrate();
  opened = {
    store,
    close: async () => {
      await store.close();
      await dropMysqlPrefix(pool, prefix);
      await pool.end();
    },
  };
} else if (kind === 'postgres') {
  const { postgresStore } = await import(join(DIST, 'postgres.js'));
  const pool = await pgPool();
  counter = pgCounter(pool);
  const base = await openStore('postgres', 'roundtrips_postgres');
  opened = { ...base, store: postgresStore({ pool: counter.pool, schema: base.names.pgSchema }), extra: pool };
} else {
  opened = await openStore(kind, `roundtrips_${kind}`);
  counter = await redisCounter(opened);
}
try {
  const now = Date.now();
  let offset = 0;
  const sessions = createSessionManager({ store: opened.store, clock: () => now + offset });
  const tokens = [];
  for (let index = 0; index < SESSIONS; index++) tokens.push((await sessions.create({ userId: `rt-${index % 50}` })).token);
  for (const token of tokens) await sessions.validate(token); // scripts and statements prepared

  const measure = async (count) => {
    await counter.start();
    for (let index = 0; index < count; index++) {
      const result = await sessions.validate(tokens[index % tokens.length]);
      if (!result.ok) throw new Error(`a valid token was refused (${result.reason})`);
    }
    return counter.stop();
  };
  const steady = await measure(STEADY);
  // Sign-ins of users with no session yet, one at a time: nothing contends for their version.
  await counter.start();
  for (let index = 0; index < SIGN_INS; index++) await sessions.create({ userId: `rt-new-${index}` });
  const signIn = await counter.stop();
  offset = 61_000; // past the default touchInterval (60 s)
  const firstAfterInterval = await measure(SESSIONS);
  const secondAfterInterval = await measure(SESSIONS);
  await sessions.close();
  report({
    kind,
    perValidation: steady.calls / STEADY,
    writesPerValidation: steady.writes / STEADY,
    steady,
    touch: { perValidation: firstAfterInterval.calls / SESSIONS, writes: firstAfterInterval.writes, names: firstAfterInterval.names },
    afterTouch: { perValidation: secondAfterInterval.calls / SESSIONS, writes: secondAfterInterval.writes },
    signIn: { perSignIn: signIn.calls / SIGN_INS, names: signIn.names },
  });
} finally {
  counter.close();
  await opened.close();
  await opened.extra?.end();
}
