// Which functions of the library one signed-in cookie request runs through on Express 5 (the
// session middleware, requireSession, the memory store), counted by V8's precise coverage: one
// line per function with its call count (an async function counts once more per await it
// resumes from), then the totals. Not part of `npm run bench`:
//
//   node test/bench/hot-path-trace.mjs
//
// Compiles src/ and adapters/ file by file (esbuild, no bundling) into .tmp/hot-path-trace, so
// every function keeps its own file's name.
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const OUT = join(ROOT, '.tmp/hot-path-trace');
rmSync(OUT, { recursive: true, force: true });
const sources = execFileSync('git', ['ls-files', 'src/*.ts', 'adapters/*.ts'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [...sources, `--outdir=${OUT}`, '--outbase=.', '--format=esm', '--platform=node', '--log-level=warning'], { cwd: ROOT });
// The compiled files import the package's dependencies by name.
symlinkSync(join(ROOT, 'node_modules'), join(OUT, 'node_modules'));

const { default: express } = await import('express');
const { createSessionManager } = await import(join(OUT, 'src/index.js'));
const { sessionMiddleware, requireSession } = await import(join(OUT, 'adapters/express/index.js'));

const sessions = createSessionManager();
const app = express();
app.use(sessionMiddleware(sessions));
app.get('/api/me', requireSession(), (req, res) => res.json({ userId: req.sessions.userId }));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address();
const { token } = await sessions.create({ userId: 'u1' });
const get = () =>
  new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/api/me', headers: { cookie: `session=${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    })
      .on('error', reject)
      .end();
  });
// Warm: the first request loads and compiles what later ones only call.
for (let i = 0; i < 3; i++) await get();

const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
await inspector.post('Profiler.takePreciseCoverage'); // resets the counts
const status = await get();
const { result } = await inspector.post('Profiler.takePreciseCoverage');
await inspector.post('Profiler.stopPreciseCoverage');
server.close();
await sessions.close();

let calls = 0;
const files = new Set();
for (const script of result) {
  const at = script.url.indexOf(OUT);
  if (at === -1 || script.url.includes('/node_modules/')) continue;
  const file = script.url.slice(at + OUT.length + 1);
  for (const fn of script.functions) {
    const { count, startOffset } = fn.ranges[0];
    // The module's own top level ran when it was loaded, not in this request.
    if (count === 0 || (fn.functionName === '' && startOffset === 0)) continue;
    calls += count;
    files.add(file);
    console.log(`${file}: ${fn.functionName || '(anonymous)'} x${count}`);
  }
}
console.log(`status ${status}: ${calls} calls in ${files.size} files`);
