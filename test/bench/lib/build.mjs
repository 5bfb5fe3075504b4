// The bench measures the built package (dist/*.js) with plain node, as users run it. Builds
// first when an entry of tsup.config.ts is missing from dist or older than any source file,
// then copies dist byte for byte to test/bench/.dist, which every measurement imports (the
// measurement scripts read the BENCH_DIST variable; run alone, they import dist itself): a
// build started elsewhere during a long run (tsup empties dist first) cannot pull the code
// from under it, and every row of one run measures the same build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../../', import.meta.url).pathname;
const BUILT = join(ROOT, 'dist');
const SNAPSHOT = join(ROOT, 'test/bench/.dist');
/** The built package the measurements import. */
export const DIST = process.env.BENCH_DIST ?? BUILT;

/** `{ name: sourcePath }` as declared in tsup.config.ts (read as text: plain node cannot import .ts). */
export function buildEntries() {
  const text = readFileSync(join(ROOT, 'tsup.config.ts'), 'utf8');
  const block = /entries\s*=\s*\{([^}]*)\}/.exec(text)?.[1];
  if (block === undefined) throw new Error('Could not read the entries of tsup.config.ts.');
  return Object.fromEntries([...block.matchAll(/(\w+)\s*:\s*'([^']+)'/g)].map((match) => [match[1], match[2]]));
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why dist must be rebuilt, or undefined when it is up to date. */
export function staleReason(entries = buildEntries()) {
  const sources = Math.max(
    newestMtime(join(ROOT, 'src')),
    newestMtime(join(ROOT, 'adapters')),
    statSync(join(ROOT, 'tsup.config.ts')).mtimeMs,
    statSync(join(ROOT, 'package.json')).mtimeMs,
  );
  for (const name of Object.keys(entries)) {
    const built = join(BUILT, `${name}.js`);
    if (!existsSync(built)) return `dist/${name}.js is missing`;
    if (statSync(built).mtimeMs < sources) return `dist/${name}.js is older than the sources`;
  }
  return undefined;
}

/** Builds with the project's own build (`npx tsup`) when dist is missing or stale. */
export function ensureBuilt(log = (line) => console.error(`bench: ${line}`)) {
  const entries = buildEntries();
  const missing = Object.entries(entries).filter(([, source]) => !existsSync(join(ROOT, source)));
  if (missing.length > 0) {
    throw new Error(`Cannot build: ${missing.map(([name, source]) => `${name} (${source})`).join(', ')} missing from the source tree.`);
  }
  const reason = staleReason(entries);
  if (reason === undefined) return false;
  log(`building (${reason}): npx tsup`);
  const result = spawnSync('npx', ['tsup'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`The build failed (npx tsup exited with ${result.status ?? result.signal}).`);
  // A source edited while the build ran: measure what was built, and say so.
  const still = staleReason(entries);
  if (still !== undefined) log(`warning: after the build, ${still} (edited during the build).`);
  return true;
}

/**
 * Copies dist to test/bench/.dist (after {@link ensureBuilt}) and returns its path. Waits up to
 * `waitMs` for a build running elsewhere to finish when an entry is missing.
 */
export async function snapshotDist({ waitMs = 180_000, log = (line) => console.error(`bench: ${line}`) } = {}) {
  const entries = buildEntries();
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const missing = Object.keys(entries).filter((name) => !existsSync(join(BUILT, `${name}.js`)));
    if (missing.length === 0) {
      rmSync(SNAPSHOT, { recursive: true, force: true });
      try {
        cpSync(BUILT, SNAPSHOT, { recursive: true, filter: (source) => !source.endsWith('.d.ts') });
        if (importsCleanly(SNAPSHOT, Object.keys(entries))) return SNAPSHOT;
      } catch {
        // dist changed while it was copied: try again.
      }
    }
    if (Date.now() > deadline) throw new Error(`dist is incomplete (${missing.join(', ') || 'changing'}): is a build running?`);
    if (attempt === 0) log('dist is being rebuilt elsewhere; waiting for it.');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

// A copy taken while tsup was writing can miss a chunk: load every entry once to be sure.
function importsCleanly(directory, names) {
  const script = `await Promise.all(${JSON.stringify(names.map((name) => join(directory, `${name}.js`)))}.map((file) => import(file)))`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}
