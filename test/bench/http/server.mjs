// One benchmark server: `node test/bench/http/server.mjs <framework> <variant> <name>`.
// Listens on 127.0.0.1 (a free port), reports { port }, and on SIGTERM closes and removes
// its data (Redis keys, PostgreSQL schema, SQLite file).
// First, before anything else runs: see the module.
import './steady-ticks.mjs';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { report } from '../lib/child.mjs';

const [framework, variant, name] = process.argv.slice(2);
const { createApp, listen } = await import(`./apps/${framework}.mjs`);
const built = await createApp(variant, name);
const server = await listen(built);
// With BENCH_CPU_PROFILE=<file>, SIGUSR2 starts the V8 CPU profiler (after warm-up, so start-up
// is left out) and shutdown writes the profile.
let profiler;
if (process.env.BENCH_CPU_PROFILE) {
  process.on('SIGUSR2', async () => {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    report({ profiling: true });
  });
}
let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  const timer = setTimeout(() => process.exit(1), 10_000);
  try {
    if (profiler !== undefined) writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    await server.close();
    await built.close();
  } finally {
    clearTimeout(timer);
    process.exit(0);
  }
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown);
report({ port: server.port, pid: process.pid });
