// Time from a pushed Security Event Token to a second app instance refusing the session it
// names. A transmitter of our own on 127.0.0.1 (its Shared Signals metadata and a JWKS; SETs
// signed with jose) pushes a CAEP session-revoked SET (RFC 8935) naming one provider session to
// the first of two Express instances sharing one store; each round signs a session in with that
// provider session (`federated`), checks that the second instance accepts its cookie, then
// starts the clock when the push is sent. Two ways of seeing the refusal, in alternate rounds:
//   - polled: GET /api/me on the second instance, one request after another (no pause), until
//     it answers 401;
//   - after delivery: wait for the first instance's 202, then one GET /api/me on the second
//     instance, which must be 401.
// Both record when the push was answered ("delivered") and how long the first instance's route
// took. Then "first SET" rounds: a fresh manager on the first instance each time, so it reads
// the transmitter's metadata and keys before it can check the SET. Everything runs in this one
// process (transmitter, both instances, the client), as the back-channel bench does.
//
//   node test/bench/security-events.mjs [rounds per way = 50] [seconds per store = 60]
//
// Writes test/bench/results/security-events.md. Needs Redis at REDIS_URL (127.0.0.1:6379) and
// PostgreSQL at 127.0.0.1:5432/test; a store that cannot be reached is reported as not run.
// Listens on 127.0.0.1 ports BENCH_PORT (28080) to BENCH_PORT + 2.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DIST, ensureBuilt } from './lib/build.mjs';
import { median } from './lib/load.mjs';
import { machineFacts, uptime } from './lib/machine.mjs';
import { probeServices, storeReady } from './lib/services.mjs';
import { openStore, STORE_LABELS } from './lib/stores.mjs';

const rounds = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 60);
if (!(Number.isInteger(rounds) && rounds > 0 && seconds > 0)) throw new Error('Usage: node test/bench/security-events.mjs [rounds per way > 0] [seconds per store > 0]');
const BASE_PORT = Number(process.env.BENCH_PORT ?? 28080);
const KINDS = ['redis', 'postgres'];
const BUDGET_MS = 50;
const WARMUP_ROUNDS = 3;
const FIRST_SET_ROUNDS = 10;
const AUDIENCE = 'https://bench-app.example';
const PUSH_AUTHORIZATION = `Bearer ${randomUUID()}`;
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
// Bounds of one polled wait: a refusal that takes longer is a failure, not a sample.
const POLL_LIMIT_MS = 5_000;
const POLL_LIMIT_REQUESTS = 20_000;
const log = (line) => console.error(`security-events: ${line}`);

ensureBuilt(log);
const { createSessionManager } = await import(join(DIST, 'index.js'));
const { requireSession, sessionMiddleware, sessionRoutes } = await import(join(DIST, 'express.js'));
// One run id for both opens of a store, so both instances use the same namespace.
process.env.BENCH_RUN_ID ??= `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

async function listening(port) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${port}` };
}

const closeServer = (server) =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** The transmitter: SSF metadata and a JWKS on its own port; `sign(sid)` makes a session-revoked SET for that provider session. */
async function startTransmitter(port) {
  const { server, url: issuer } = await listening(port);
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  server.on('request', (request, response) => {
    const body =
      request.url === '/.well-known/ssf-configuration' ? { spec_version: '1_0', issuer, jwks_uri: `${issuer}/jwks` } : request.url === '/jwks' ? { keys: [jwk] } : undefined;
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return {
    issuer,
    server,
    sign: (sid) =>
      new SignJWT({ jti: randomUUID(), sub_id: { format: 'opaque', id: sid }, events: { [SESSION_REVOKED]: { event_timestamp: Math.floor(Date.now() / 1000) } } })
        .setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: 'bench' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .sign(privateKey),
  };
}

/** An instance: the session routes with `securityEvents`, and GET /api/me; `routeTimes` gets each push's duration. */
function serveApp({ server }, sessions, issuer, routeTimes = []) {
  const app = express();
  app.use('/sessions/security-events', (_req, res, next) => {
    const started = performance.now();
    res.on('finish', () => routeTimes.push(performance.now() - started));
    next();
  });
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { securityEvents: { transmitters: [{ issuer, audience: AUDIENCE, authorization: PUSH_AUTHORIZATION }] } }));
  app.get('/api/me', requireSession(), (req, res) => void res.json({ userId: req.sessions.userId }));
  server.on('request', app);
}

/** One store kind: the transmitter, two instances on one namespace, `rounds` rounds of each way (bounded by `seconds`). */
async function measureStore(kind) {
  const transmitter = await startTransmitter(BASE_PORT);
  const first = await listening(BASE_PORT + 1);
  const second = await listening(BASE_PORT + 2);
  const stores = [await openStore(kind, `secevents_${kind}`), await openStore(kind, `secevents_${kind}`)];
  const managers = stores.map(({ store }) => createSessionManager({ store }));
  const routeTimes = [];
  serveApp(first, managers[0], transmitter.issuer, routeTimes);
  serveApp(second, managers[1], transmitter.issuer);
  const me = (token) => fetch(`${second.url}/api/me`, { headers: { cookie: `session=${token}` } });
  let counter = 0;

  async function round(way) {
    const sid = `sid-${++counter}`;
    const { token } = await managers[1].create({ userId: `u${counter % 20}`, userAgent: 'bench', federated: { iss: transmitter.issuer, sub: `u${counter % 20}`, sid } });
    const before = await me(token);
    if (before.status !== 200) throw new Error(`The second instance answered ${before.status} for a fresh session`);
    await before.body?.cancel();
    const set = await transmitter.sign(sid);
    const sent = performance.now();
    const pushed = fetch(`${first.url}/sessions/security-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/secevent+jwt', authorization: PUSH_AUTHORIZATION },
      body: set,
    }).then(async (answer) => ({ status: answer.status, text: await answer.text(), at: performance.now() }));
    let refusedAt;
    if (way === 'polled') {
      for (let request = 1; ; request++) {
        const answer = await me(token);
        await answer.body?.cancel();
        if (answer.status === 401) break;
        if (answer.status !== 200) throw new Error(`The second instance answered ${answer.status} while polled`);
        if (request === POLL_LIMIT_REQUESTS || performance.now() - sent > POLL_LIMIT_MS) throw new Error(`Still accepted after ${request} requests`);
      }
      refusedAt = performance.now();
    } else {
      await pushed;
      const answer = await me(token);
      await answer.body?.cancel();
      refusedAt = performance.now();
      if (answer.status !== 401) throw new Error(`The second instance answered ${answer.status} right after the push was answered`);
    }
    const { status, text, at } = await pushed;
    if (status !== 202) throw new Error(`The push was answered ${status}: ${text}`);
    return { refused: refusedAt - sent, delivered: at - sent, route: routeTimes.at(-1) };
  }

  const samples = { polled: [], 'after delivery': [], 'first SET, after delivery': [] };
  const started = performance.now();
  try {
    for (let warmup = 0; warmup < WARMUP_ROUNDS; warmup++) await round(warmup % 2 === 0 ? 'polled' : 'after delivery');
    for (let index = 0; index < 2 * rounds && performance.now() - started < seconds * 1_000; index++) {
      const way = index % 2 === 0 ? 'polled' : 'after delivery';
      samples[way].push(await round(way));
    }
    for (let index = 0; index < FIRST_SET_ROUNDS; index++) {
      // A fresh manager on the same store: nothing read from the transmitter yet.
      const fresh = createSessionManager({ store: stores[0].store });
      managers.push(fresh);
      first.server.removeAllListeners('request');
      serveApp(first, fresh, transmitter.issuer, routeTimes);
      samples['first SET, after delivery'].push(await round('after delivery'));
    }
  } finally {
    await Promise.all([closeServer(first.server), closeServer(second.server), closeServer(transmitter.server)]);
    await Promise.all(managers.map((manager) => manager.close()));
    for (const store of stores) await store.close();
  }
  return { samples, elapsedSeconds: (performance.now() - started) / 1_000 };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: median(sorted), p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))], max: sorted.at(-1) };
};

const loadBefore = uptime();
const services = await probeServices();
const results = {};
const notRun = [];
for (const kind of KINDS) {
  const ready = storeReady(kind, services);
  if (ready !== true) {
    log(`${STORE_LABELS[kind]} not run: ${ready}`);
    notRun.push(`${STORE_LABELS[kind]}: ${ready}`);
    continue;
  }
  log(`${STORE_LABELS[kind]}: ${rounds} rounds each way, at most ${seconds} s`);
  results[kind] = await measureStore(kind);
}

const ms = (value) => `${value.toFixed(1)} ms`;
const figures = (values) => {
  const { median: middle, p95, max } = stats(values);
  return `${ms(middle)} | ${ms(p95)} | ${ms(max)}`;
};
const rows = [];
for (const [kind, { samples }] of Object.entries(results)) {
  for (const [way, list] of Object.entries(samples)) {
    rows.push(`| ${STORE_LABELS[kind]} | ${way} | ${list.length} | ${figures(list.map((sample) => sample.refused))} | ${figures(list.map((sample) => sample.delivered))} | ${figures(list.map((sample) => sample.route))} |`);
  }
}
// The budget is read on every refusal of a store, both ways, at the 95th percentile (first SETs apart).
const budget = Object.entries(results).map(([kind, { samples }]) => {
  const { p95, max } = stats([...samples.polled, ...samples['after delivery']].map((sample) => sample.refused));
  return `${STORE_LABELS[kind]} ${p95 < BUDGET_MS ? 'met' : 'missed'} (p95 ${ms(p95)}, max ${ms(max)})`;
});
const facts = machineFacts();
const text = `# Security events: from a pushed SET to the refusal on a second instance

Written by \`node test/bench/security-events.mjs ${rounds} ${seconds}\` on ${facts.date.slice(0, 10)}; code measured: \`dist/\` built from ${facts.commit}${facts.dirty ? ' (with uncommitted changes)' : ''}.
Machine: ${facts.cpu}, ${facts.cores} cores shared with other work, Node.js ${facts.node}. Load before the run: \`${loadBefore}\`; after: \`${uptime()}\`. One run.

Method (see the script's header): a transmitter of our own on 127.0.0.1 (SSF metadata, a JWKS, SETs signed RS256 with
jose) pushes a CAEP session-revoked SET naming one provider session (an \`opaque\` subject) to the first of two Express
instances sharing the store (two clients, one namespace, default manager options); the session was signed in with that
provider session on the second instance. Every time starts when the push is sent. "Refused": until the second
instance's first 401 for the session cookie. "Delivered": until the first instance answered the push 202. The refusal is
seen in alternate rounds either "polled" (GET /api/me on the second instance, one request after another, until 401) or
"after delivery" (one GET /api/me once the push was answered; every one answered 401). ${WARMUP_ROUNDS} warm-up rounds first.
"Route": how long the first instance's security-events route took (its share of "Delivered"). "First SET":
${FIRST_SET_ROUNDS} rounds after the others, each with a fresh manager on the first instance, so the route also reads the
transmitter's metadata and keys before it checks the SET. The transmitter, both instances and the client share one
Node.js process, so the polling competes with the push it waits for.

| Store | Refusal seen | Rounds | Refused: median | p95 | max | Delivered: median | p95 | max | Route: median | p95 | max |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
${notRun.length === 0 ? '' : `\nNot run: ${notRun.join('; ')}.\n`}
Budget: under ${BUDGET_MS} ms from the push to the refusal on a second instance, read at the 95th percentile of every
refusal of a store: ${budget.join('; ')}.
`;
const file = new URL('results/security-events.md', import.meta.url);
writeFileSync(file, text);
console.log(text);
