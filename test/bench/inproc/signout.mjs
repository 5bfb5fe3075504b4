// "Sign out everywhere" for a user with `count` sessions: the time revokeAll takes to return,
// then proof that every one of the sessions is refused from that moment (and another user's
// is not). The first call is reported, and the median of five more (each after a fresh sign-in).
//   node test/bench/inproc/signout.mjs <store> <count>
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { forEachConcurrently, median } from '../lib/load.mjs';
import { openStore } from '../lib/stores.mjs';

const [kind, countArg = '10000'] = process.argv.slice(2);
const count = Number(countArg);
const { createSessionManager } = await import(join(DIST, 'index.js'));
const opened = await openStore(kind, `signout_${kind}`);
try {
  const sessions = createSessionManager({ store: opened.store });
  const tokens = new Array(count);
  await forEachConcurrently(count, 20, async (index) => {
    tokens[index] = (await sessions.create({ userId: 'big-user', ip: '10.0.0.1' })).token;
  });
  const bystander = (await sessions.create({ userId: 'other-user' })).token;

  let started = performance.now();
  await sessions.revokeAll('big-user');
  const first = performance.now() - started;

  let accepted = 0;
  await forEachConcurrently(count, 50, async (index) => {
    if ((await sessions.validate(tokens[index])).ok) accepted++;
  });
  if (accepted > 0) throw new Error(`${accepted} of ${count} sessions were still accepted after revokeAll returned`);
  if (!(await sessions.validate(bystander)).ok) throw new Error("another user's session was refused");

  const repeats = [];
  for (let round = 0; round < 5; round++) {
    const fresh = (await sessions.create({ userId: 'big-user' })).token;
    started = performance.now();
    await sessions.revokeAll('big-user');
    repeats.push(performance.now() - started);
    if ((await sessions.validate(fresh)).ok) throw new Error('a session was accepted after revokeAll returned');
  }
  await sessions.close();
  report({ kind, count, first, median: median(repeats), refused: count });
} finally {
  await opened.close();
}
