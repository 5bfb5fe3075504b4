import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The built bin, as npm links it: these tests run what users run (`npm run build` first). */
export const BIN = resolve(import.meta.dirname, '../../dist/cli.js');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build before the CLI tests.`);

/** What one run of the bin printed, and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the bin with `args` and no TTY (pipes), and waits for the process to end by itself: a
 * client left open would keep it alive until the timeout kills it (code null).
 */
export function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; bin?: string; timeout?: number; input?: string } = {}): Promise<CliRun> {
  const env = { ...process.env, ...options.env };
  delete env['SESSION_REVOCATION_STORE'];
  if (options.env?.['SESSION_REVOCATION_STORE'] !== undefined) env['SESSION_REVOCATION_STORE'] = options.env['SESSION_REVOCATION_STORE'];
  return new Promise((done) => {
    const child = execFile(process.execPath, [options.bin ?? BIN, ...args], { env, timeout: options.timeout ?? 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      done({ code, stdout, stderr });
    });
    // What a user would type, then end of input: a command that asks never waits for more.
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * A copy of the built package with only the named packages installed next to it (besides its
 * own dependencies), to run the bin without some optional clients. `remove()` deletes it.
 */
export function barePackage(installed: readonly string[] = []): { readonly bin: string; readonly folder: string; remove(): void } {
  const root = resolve(dirname(BIN), '..');
  const folder = mkdtempSync(join(tmpdir(), 'session-revocation-cli-bare-'));
  const bin = join(folder, 'package', 'dist', 'cli.js');
  cpSync(dirname(BIN), dirname(bin), { recursive: true });
  writeFileSync(join(folder, 'package', 'package.json'), JSON.stringify({ name: 'session-revocation', type: 'module' }));
  mkdirSync(join(folder, 'package', 'node_modules'));
  for (const name of ['jose', 'ua-parser-js', ...installed]) symlinkSync(join(root, 'node_modules', name), join(folder, 'package', 'node_modules', name), 'dir');
  return { bin, folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
