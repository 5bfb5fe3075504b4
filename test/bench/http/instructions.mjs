// Instructions per request of one benchmark server, counted by valgrind's callgrind: a figure
// that does not move with the machine's load (CPU time on two shared cores moves by ±30% from
// one run to the next, more than the few µs a budget is about). User-space only: the kernel's
// share (socket reads and writes) is not counted, and valgrind hides the SHA extensions, so
// SHA-256 counts more than it costs on the real CPU. Compare variants of one framework:
//
//   node test/bench/http/instructions.mjs <framework> <variant> [warm-up requests] [counted requests]
//   node test/bench/http/instructions.mjs fastify bare
//   node test/bench/http/instructions.mjs fastify lib:memory
//
// Prints one JSON line: { framework, variant, requests, instructionsPerRequest (all threads),
// mainThreadPerRequest (the JavaScript's thread alone: V8's compiler and garbage collector run
// beside it), file (the main thread's callgrind file, kept in the system's temporary folder for
// `callgrind_annotate`) }. With NODE_OPTIONS=--perf-basic-prof, /tmp/perf-<pid>.map names the
// compiled JavaScript behind callgrind's bare addresses.
// Needs valgrind (Debian's package) and a built dist/ (`npm run build`); runs for about a
// minute: the server under valgrind answers about a thousand requests per second. The warm-up
// matters: with fewer than 20,000 requests V8 is still compiling, and its compiler is counted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const HERE = new URL('.', import.meta.url).pathname;
const [framework, variant, warmup = '20000', counted = '10000'] = process.argv.slice(2);
if (framework === undefined || variant === undefined) {
  console.error('usage: node test/bench/http/instructions.mjs <express|fastify|koa> <variant, e.g. bare or lib:memory> [warm-up] [counted]');
  process.exit(2);
}
const directory = mkdtempSync(join(tmpdir(), 'srbench-callgrind-'));
const prefix = join(directory, 'callgrind.out');
// Instrumentation starts off: start-up and the warm-up (V8 compiling the hot code) are not counted.
const server = spawn(
  'valgrind',
  ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${prefix}.%p`, 'node', join(HERE, 'server.mjs'), framework, variant, `callgrind_${process.pid}`],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
const stopServer = () => server.exitCode === null && server.kill('SIGTERM');
process.once('exit', stopServer);
const port = await new Promise((resolve, reject) => {
  let text = '';
  const timer = setTimeout(() => reject(new Error('the server did not start under valgrind within 120 s')), 120_000);
  server.stdout.on('data', (chunk) => {
    text += chunk;
    const match = /"port":(\d+)/.exec(text);
    if (match !== null) {
      clearTimeout(timer);
      resolve(Number(match[1]));
    }
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened`)));
});
const url = `http://127.0.0.1:${port}`;
const headers = {
  accept: 'application/json',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
};
// The library's variants answer /api/me to a signed-in request only.
if (variant.startsWith('lib:')) {
  const response = await fetch(`${url}/login`, { method: 'POST', headers: { origin: url } });
  const cookie = response.headers.get('set-cookie');
  if (cookie === null) throw new Error(`POST /login answered ${response.status} without a cookie`);
  headers.cookie = cookie.split(';')[0];
}
const load = async (amount) => {
  const result = await autocannon({ url: `${url}/api/me`, headers, connections: 10, amount: Number(amount), timeout: 60 });
  if (result.non2xx !== 0 || result.errors !== 0) throw new Error(`${result.non2xx} answers other than 2xx and ${result.errors} errors`);
  return result.requests.total;
};
await load(warmup);
execFileSync('callgrind_control', ['--instr=on', String(server.pid)], { stdio: 'ignore' });
const requests = await load(counted);
execFileSync('callgrind_control', ['--instr=off', String(server.pid)], { stdio: 'ignore' });
execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
stopServer();
await new Promise((resolve) => server.once('exit', resolve));
// One file per thread (`-01` is the main thread, the others V8's compiler and GC helpers).
let instructions = 0;
let mainThread = 0;
for (const name of readdirSync(directory)) {
  const summary = /^totals: (\d+)/m.exec(readFileSync(join(directory, name), 'utf8'));
  if (summary === null) continue;
  instructions += Number(summary[1]);
  if (name.endsWith('-01')) mainThread += Number(summary[1]);
}
const file = readdirSync(directory).map((name) => join(directory, name)).find((name) => /\.\d+\.1-01$/.test(name));
const perRequest = (count) => Math.round(count / requests);
console.log(JSON.stringify({ framework, variant, requests, instructionsPerRequest: perRequest(instructions), mainThreadPerRequest: perRequest(mainThread), file }));
