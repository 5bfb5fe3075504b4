// The load generator: one autocannon run against one server, reported as JSON. Prints
// "@@bench-start" when the run begins, so the parent reads the server's CPU time right then.
//   node test/bench/http/load.mjs '<json: url, cookie, seconds, connections>'
import autocannon from 'autocannon';
import { report } from '../lib/child.mjs';

const { url, cookie, seconds, connections, userAgent } = JSON.parse(process.argv[2]);
const headers = { accept: 'application/json', 'user-agent': userAgent };
if (cookie) headers.cookie = cookie;
process.stdout.write('@@bench-start\n');
const result = await autocannon({ url, method: 'GET', headers, connections, pipelining: 1, duration: seconds, timeout: 10 });
process.stdout.write('@@bench-end\n');
report({
  requests: result.requests.total,
  seconds: result.duration,
  rps: result.requests.total / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
});
