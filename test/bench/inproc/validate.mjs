// Cookie-token validations per second on one store: 1,000 users with one session each, each
// token re-presented in turn, the default touchInterval (reads stay reads). Measured with 50
// calls in flight (as a server with 50 connections) and one at a time; per second of wall-clock
// time and per second of CPU time (see lib/load.mjs).
//   node test/bench/inproc/validate.mjs <store> <seconds> <warmupSeconds> <inFlight>
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { forEachConcurrently, throughput, UAS } from '../lib/load.mjs';
import { openStore } from '../lib/stores.mjs';

const [kind, seconds = '3', warmup = '1', inFlight = '50'] = process.argv.slice(2);
const { createSessionManager } = await import(join(DIST, 'index.js'));
const opened = await openStore(kind, `validate_${kind}`);
try {
  const sessions = createSessionManager({ store: opened.store });
  const tokens = new Array(1_000);
  await forEachConcurrently(tokens.length, 20, async (index) => {
    tokens[index] = (await sessions.create({ userId: `user-${index}`, userAgent: UAS[index % UAS.length], ip: '10.0.0.1' })).token;
  });
  const validate = async (index) => {
    const result = await sessions.validate(tokens[index % tokens.length]);
    if (!result.ok) throw new Error(`a valid token was refused (${result.reason})`);
  };
  await throughput(validate, { seconds: Number(warmup), inFlight: Number(inFlight) });
  const concurrent = await throughput(validate, { seconds: Number(seconds), inFlight: Number(inFlight) });
  const serial = await throughput(validate, { seconds: Number(seconds), inFlight: 1 });
  await sessions.close();
  report({ kind, concurrent, serial, inFlight: Number(inFlight) });
} finally {
  await opened.close();
}
