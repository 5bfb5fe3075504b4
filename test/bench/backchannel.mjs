// Time from a user's logout at the OpenID provider to a second app instance refusing the
// session. oidc-provider (test/federated/support/provider.mjs) on 127.0.0.1 sends back-channel
// logout to the first of two Express instances sharing one store; each round signs in through
// the provider (authorization code + PKCE, its login and consent pages), checks that the second
// instance accepts the session cookie, opens the provider's end-session page, and starts the
// clock when the user's confirmation is sent. Two ways of seeing the refusal, in alternate rounds:
//   - polled: GET /api/me on the second instance, one request after another (no pause), until
//     it answers 401;
//   - after delivery: wait for the provider's back-channel request to complete (its
//     `backchannel.success` event), then one GET /api/me on the second instance, which must be 401.
// Both also record when the back-channel delivery completed, and how long the first instance's
// back-channel route took of it (the rest is the provider's own work and its request). Then
// "first token" rounds: the first instance gets a fresh manager each time, so the logout token
// it receives is its first, and it reads the provider's discovery document and keys (JWKS)
// before it can check it; the refusal is seen after delivery. Everything runs in this one
// process (provider, both instances, the browser), as the end-to-end test does.
//
//   node test/bench/backchannel.mjs [rounds per way = 50] [seconds per store = 60]
//
// Writes test/bench/results/backchannel.md. Needs Redis at REDIS_URL (127.0.0.1:6379) and
// PostgreSQL at 127.0.0.1:5432/test; a store that cannot be reached is reported as not run.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import express from 'express';
import { Browser, logoutConfirmation, signInThroughProvider } from '../federated/support/browser.mjs';
import { reserveProvider } from '../federated/support/provider.mjs';
import { finishSignIn, relyingParty } from '../federated/support/relying-party.mjs';
import { DIST, ensureBuilt } from './lib/build.mjs';
import { median } from './lib/load.mjs';
import { machineFacts, uptime } from './lib/machine.mjs';
import { probeServices, storeReady } from './lib/services.mjs';
import { openStore, STORE_LABELS } from './lib/stores.mjs';

const rounds = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 60);
if (!(Number.isInteger(rounds) && rounds > 0 && seconds > 0)) throw new Error('Usage: node test/bench/backchannel.mjs [rounds per way > 0] [seconds per store > 0]');
const KINDS = ['redis', 'postgres'];
const BUDGET_MS = 50;
const WARMUP_ROUNDS = 3;
const FIRST_TOKEN_ROUNDS = 10;
const CLIENT_ID = 'bench-app';
// Bounds of one polled wait: a refusal that takes longer is a failure, not a sample.
const POLL_LIMIT_MS = 5_000;
const POLL_LIMIT_REQUESTS = 20_000;
const log = (line) => console.error(`backchannel: ${line}`);

ensureBuilt(log);
const { createSessionManager, rpLogoutUrl } = await import(join(DIST, 'index.js'));
const { requireSession, sessionMiddleware, sessionRoutes } = await import(join(DIST, 'express.js'));
// One run id for both opens of a store, so both instances use the same namespace.
process.env.BENCH_RUN_ID ??= `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

async function listening() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

const closeServer = (server) =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * The Express app of test/federated/support/apps.ts, on the built package; `routeTimes` gets the
 * duration of each back-channel request it answers.
 */
function serveApp({ server, url }, sessions, issuer, routeTimes = []) {
  const rp = relyingParty(issuer, CLIENT_ID, url);
  const app = express();
  app.use('/sessions/backchannel-logout', (_req, res, next) => {
    const started = performance.now();
    res.on('finish', () => routeTimes.push(performance.now() - started));
    next();
  });
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer, clientId: CLIENT_ID }] } }));
  app.get('/login', (_req, res, next) => void rp.login().then((to) => res.redirect(303, to.href), next));
  app.get('/callback', (req, res, next) => void finishSignIn(rp, req.sessions, new URL(req.originalUrl, url)).then((body) => res.json(body), next));
  app.get('/api/me', requireSession(), (req, res) => void res.json({ userId: req.sessions.userId }));
  server.on('request', app);
  return rp;
}

/** One store kind: the provider, two instances on one namespace, `rounds` rounds of each way (bounded by `seconds`). */
async function measureStore(kind) {
  const reserved = await reserveProvider();
  const first = await listening();
  const second = await listening();
  const stores = [await openStore(kind, `backchannel_${kind}`), await openStore(kind, `backchannel_${kind}`)];
  const managers = stores.map(({ store }) => createSessionManager({ store }));
  const idp = await reserved.start([{ clientId: CLIENT_ID, appUrl: first.url }]);
  const routeTimes = [];
  const rp = serveApp(first, managers[0], idp.issuer, routeTimes);
  serveApp(second, managers[1], idp.issuer);
  const me = (browser) => browser.fetch(`${second.url}/api/me`);

  async function round(way) {
    const browser = new Browser();
    const { url, response } = await signInThroughProvider(browser, first.url);
    if (url.pathname !== '/callback' || response.status !== 200) throw new Error(`Sign-in ended at ${url.href} with ${response.status}`);
    const { idToken } = await response.json();
    const before = await me(browser);
    if (before.status !== 200) throw new Error(`The second instance answered ${before.status} for a fresh session`);
    await before.body?.cancel();
    const endSession = rpLogoutUrl({ issuerMetadata: (await rp.configuration()).serverMetadata(), idTokenHint: idToken, postLogoutRedirectUri: `${first.url}/signed-out` });
    const { action, form } = await logoutConfirmation(browser, endSession);
    const delivered = idp.nextDelivery(CLIENT_ID).then((delivery) => ({ delivery, at: performance.now() }));
    const sent = performance.now();
    const confirmed = browser.fetch(action, { form });
    let refusedAt;
    if (way === 'polled') {
      for (let request = 1; ; request++) {
        const answer = await me(browser);
        await answer.body?.cancel();
        if (answer.status === 401) break;
        if (answer.status !== 200) throw new Error(`The second instance answered ${answer.status} while polled`);
        if (request === POLL_LIMIT_REQUESTS || performance.now() - sent > POLL_LIMIT_MS) throw new Error(`Still accepted after ${request} requests`);
      }
      refusedAt = performance.now();
    } else {
      await delivered;
      const answer = await me(browser);
      await answer.body?.cancel();
      refusedAt = performance.now();
      if (answer.status !== 401) throw new Error(`The second instance answered ${answer.status} right after the back-channel delivery`);
    }
    const { delivery, at } = await delivered;
    if (!delivery.ok) throw new Error(`The back-channel delivery failed: ${String(delivery.error)}`);
    const confirmation = await confirmed;
    if (confirmation.status !== 303) throw new Error(`The provider answered ${confirmation.status} to the confirmation`);
    return { refused: refusedAt - sent, delivered: at - sent, route: routeTimes.at(-1) };
  }

  const samples = { polled: [], 'after delivery': [], 'first token, after delivery': [] };
  const started = performance.now();
  try {
    for (let warmup = 0; warmup < WARMUP_ROUNDS; warmup++) await round(warmup % 2 === 0 ? 'polled' : 'after delivery');
    for (let index = 0; index < 2 * rounds && performance.now() - started < seconds * 1_000; index++) {
      const way = index % 2 === 0 ? 'polled' : 'after delivery';
      samples[way].push(await round(way));
    }
    for (let index = 0; index < FIRST_TOKEN_ROUNDS; index++) {
      // A fresh manager on the same store: nothing read from the provider yet.
      const fresh = createSessionManager({ store: stores[0].store });
      managers.push(fresh);
      first.server.removeAllListeners('request');
      serveApp(first, fresh, idp.issuer, routeTimes);
      samples['first token, after delivery'].push(await round('after delivery'));
    }
  } finally {
    await Promise.all([closeServer(first.server), closeServer(second.server)]);
    await idp.close();
    await Promise.all(managers.map((manager) => manager.close()));
    for (const store of stores) await store.close();
  }
  return { samples, elapsedSeconds: (performance.now() - started) / 1_000 };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: median(sorted), p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))], max: sorted.at(-1) };
};

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
// The budget is read on every refusal of a store, both ways, at the 95th percentile (first tokens apart).
const budget = Object.entries(results).map(([kind, { samples }]) => {
  const { p95, max } = stats([...samples.polled, ...samples['after delivery']].map((sample) => sample.refused));
  return `${STORE_LABELS[kind]} ${p95 < BUDGET_MS ? 'met' : 'missed'} (p95 ${ms(p95)}, max ${ms(max)})`;
});
const facts = machineFacts();
const text = `# Back-channel logout: from the provider's logout to the refusal on a second instance

Written by \`node test/bench/backchannel.mjs ${rounds} ${seconds}\` on ${facts.date.slice(0, 10)}; code measured: \`dist/\` built from ${facts.commit}${facts.dirty ? ' (with uncommitted changes)' : ''}.
Machine: ${facts.cpu}, ${facts.cores} cores shared with other work, Node.js ${facts.node}, load after the run: \`${uptime()}\`. One run.

Method (see the script's header): oidc-provider on 127.0.0.1 sends back-channel logout to the first of two Express
instances sharing the store (two clients, one namespace, default manager options). Every time starts when the user's
confirmation at the provider's end-session page is sent. "Refused": until the second instance's first 401 for the session
cookie. "Delivered": until the provider's back-channel request completed (the first instance answered 200; the provider
redirects the user only after that). The refusal is seen in alternate rounds either "polled" (GET /api/me on the second
instance, one request after another, until 401) or "after delivery" (one GET /api/me once the delivery completed; every
one answered 401). ${WARMUP_ROUNDS} warm-up rounds first. "Route": how long the first instance's back-channel route took to
answer the provider (its share of "Delivered"; the rest is the provider's own work: ending its session, signing the logout
token, sending it). "First token": ${FIRST_TOKEN_ROUNDS} rounds after the others, each with a fresh manager on the first
instance, so the route also reads the provider's discovery document and keys (JWKS) before it checks the token. The
provider, both instances and the browser share one Node.js process, so the polling competes with the logout it waits for.

| Store | Refusal seen | Rounds | Refused: median | p95 | max | Delivered: median | p95 | max | Route: median | p95 | max |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
${notRun.length === 0 ? '' : `\nNot run: ${notRun.join('; ')}.\n`}
Budget: under ${BUDGET_MS} ms from the logout to the refusal on a second instance, read at the 95th percentile of every
refusal of a store: ${budget.join('; ')}.
`;
const file = new URL('results/backchannel.md', import.meta.url);
writeFileSync(file, text);
console.log(text);
