// `npm run example:fastify`, `npm run example:koa`: builds one example app from its TypeScript
// sources (the library is bundled from source, so nothing else needs building first) and runs
// it with plain node. `scripts/demo.mjs` does the same for the Express demo.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const EXAMPLES = {
  express: 'examples/express-app/server.ts',
  fastify: 'examples/fastify-api/server.ts',
  koa: 'examples/koa-api/server.ts',
  oidc: 'examples/oidc-app/server.ts',
};

/**
 * Bundles an example into a fresh folder under .tmp/examples/ (one per run, so two runs never
 * overwrite each other's file); packages stay imports from node_modules.
 * @returns The folder and the built server.js in it.
 */
export async function buildExample(name) {
  const entry = EXAMPLES[name];
  if (entry === undefined) throw new Error(`Unknown example "${name}": one of ${Object.keys(EXAMPLES).join(', ')}.`);
  const { build } = await import('tsup');
  mkdirSync(join(root, '.tmp', 'examples'), { recursive: true });
  const outDir = mkdtempSync(join(root, '.tmp', 'examples', `${name}-`));
  await build({
    entry: { server: join(root, entry) },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    config: false,
    dts: false,
    splitting: false,
    sourcemap: true,
    silent: true,
    skipNodeModulesBundle: true,
  });
  return { outDir, server: join(outDir, 'server.js') };
}

/**
 * Calls `onOrphaned` once this process loses its parent. `npm run` starts scripts through
 * `sh -c`, and passes a SIGTERM or SIGINT it gets to that shell only. package.json's scripts
 * `exec` node so that the signal reaches this script; where a shell still stands in between (a
 * script run another way), a SIGTERM kills the shell without passing it on, and this script
 * with the server it started would keep running, holding the port.
 * @returns The polling timer, to clear when the server has exited.
 */
function watchParent(onOrphaned) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, 200);
  return timer;
}

/** Builds, then runs the example in a child process until it exits; signals are passed on. */
export async function runExample(name, args) {
  const { outDir, server } = await buildExample(name);
  try {
    const child = spawn(process.execPath, ['--enable-source-maps', server, ...args], { stdio: 'inherit', cwd: root });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
    const stopWithParent = watchParent(() => child.kill('SIGTERM'));
    const [code, signal] = await new Promise((resolve) => child.on('exit', (...result) => resolve(result)));
    clearInterval(stopWithParent);
    process.exitCode = code ?? (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' ? 0 : 1);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [name = '', ...args] = process.argv.slice(2);
  if (!Object.hasOwn(EXAMPLES, name) || name === 'express') {
    console.error('Usage: node scripts/example.mjs <fastify|koa|oidc> [--port <port>]   (the Express demo: npm run demo)');
    process.exit(1);
  }
  await runExample(name, args);
}
