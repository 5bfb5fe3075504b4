import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The source is read as a reviewer reads it: who imports whom. Imports run one way, from the
// wrappers down to the store contract, so a file can be understood from what stands below it.
const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file of src/ (relative path) and the files of src/ it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(src, resolve(dirname(file), name.replace(/\.js$/, '.ts'))))
      .filter((target) => !target.startsWith('..'));
    graph.set(relative(src, file), targets);
  }
  return graph;
}

/** A file's room: its folder directly under src/ (`manager/`), or the file itself when it stands in src/. */
const roomOf = (file: string): string => (file.includes('/') ? `${file.slice(0, file.indexOf('/'))}/` : file);

/** The first loop found in a graph, as the path that closes it, or `undefined`. */
function findLoop(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const open = path.indexOf(node);
    if (open !== -1) return [...path.slice(open), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const loop = visit(next);
      if (loop !== undefined) return loop;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const loop = visit(node);
    if (loop !== undefined) return loop;
  }
  return undefined;
}

describe('the source imports in one direction', () => {
  const files = importGraph();

  it('no files of src/ import each other in a loop', () => {
    expect(findLoop(files)?.join(' -> ')).toBeUndefined();
  });

  it('no folders of src/ import each other in a loop (a feature stands below the manager, the store contract below both)', () => {
    const rooms = new Map<string, string[]>();
    for (const [file, targets] of files) {
      const room = roomOf(file);
      rooms.set(room, [...(rooms.get(room) ?? []), ...targets.map(roomOf).filter((target) => target !== room)]);
    }
    expect(findLoop(rooms)?.join(' -> ')).toBeUndefined();
  });

  it('only the manager, the HTTP layer, the CLI, the conformance suites and the package entry import src/manager/', () => {
    const above = ['manager/', 'http/', 'cli/', 'testing/', 'index.ts'];
    const reachingUp = [...files]
      .filter(([file]) => !above.includes(roomOf(file)))
      .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('manager/')).map((target) => `${file} -> ${target}`));
    expect(reachingUp).toEqual([]);
  });
});
