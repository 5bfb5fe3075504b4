import { join, resolve } from 'node:path';
import { build } from 'tsup';

const root = resolve(import.meta.dirname, '../..');

/** Builds each entry (a path from the repository root) into `outDir` as one ES module, `<name>.js`, for child processes that run plain Node. */
export async function bundleForChildren(outDir: string, entries: Readonly<Record<string, string>>): Promise<void> {
  await build({
    entry: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])),
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    // Every other package inside, so a bundle runs where only better-sqlite3 (a native module) is installed.
    noExternal: [/^(?!better-sqlite3$)/],
    external: ['better-sqlite3'],
    config: false,
    dts: false,
    splitting: false,
    silent: true,
  });
}
