// Cookie-token validations per second on one store: 1,000 users with one session each, each
// token re-presented in turn, the default touchInterval (reads stay reads). Measured with 50
// calls in flight (as a server with 50 connections) and one at a time; per second of wall-clock
// time and per second of CPU time (see lib/load.mjs). On Redis, also the server's own time per
// validation: INFO commandstats before and after each of three 50-in-flight runs (see
// lib/redis-time.mjs), reported as the median run with all three beside it. One run on two
// shared cores moves by a tenth or more, about as much as the budget leaves.
//   node test/bench/inproc/validate.mjs <store> <seconds> <warmupSeconds> <inFlight>
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { forEachConcurrently, median, throughput, UAS } from '../lib/load.mjs';
import { redisTime } from '../lib/redis-time.mjs';
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
  const redis = kind === 'redis' || kind === 'ioredis' ? await redisTimeRounds(validate, Number(seconds), Number(inFlight)) : undefined;
  const serial = await throughput(validate, { seconds: Number(seconds), inFlight: 1 });
  await sessions.close();
  report({ kind, concurrent, serial, inFlight: Number(inFlight), redis });
} finally {
  await opened.close();
}

/** Redis time per validation in three runs: the median run, with every run's figure in `rounds`. */
async function redisTimeRounds(validate, seconds, inFlight) {
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    const server = await redisTime();
    try {
      const run = await throughput(validate, { seconds, inFlight });
      rounds.push(await server.per(run.count));
    } finally {
      await server.close();
    }
  }
  const middle = median(rounds.map((round) => round.usec));
  return { ...rounds.find((round) => round.usec === middle), rounds: rounds.map((round) => round.usec) };
}
