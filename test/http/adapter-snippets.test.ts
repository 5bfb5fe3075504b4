import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A framework author copies the node:http adapter from docs/framework-adapter.md or from createSessionHttp's TSDoc into a
// strict TypeScript project: both must type-check as written, with only the names the surrounding text gives them.
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'session-revocation-adapter-snippets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const guide = readFileSync(join(root, 'docs', 'framework-adapter.md'), 'utf8');
const guideSnippet = /## A bare node:http adapter\n\n```ts\n([\s\S]*?)\n```/.exec(guide)?.[1];
const tsdoc = readFileSync(join(root, 'src', 'http', 'session-http.ts'), 'utf8');
const tsdocSnippet = /@example\n \* ```ts\n([\s\S]*?)\n \* ```\n \*\/\nexport function createSessionHttp\(/.exec(tsdoc)?.[1]?.replace(/^ \* ?/gm, '');
// What the TSDoc example leaves to its reader: a manager and a server.
const TSDOC_PRELUDE = `import type { Server } from 'node:http';
import { createSessionManager } from 'session-revocation';
const sessions = createSessionManager();
declare const server: Server;
`;

/** `tsc` on one file in a project as strict as this repository's, the package names mapped to these sources. */
function typecheck(name: string, source: string): string {
  const folder = join(work, name);
  execFileSync('mkdir', ['-p', folder]);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(folder, 'index.ts'), `${source}\nexport {};\n`);
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { typeRoots: [join(root, 'node_modules', '@types')], paths: { 'session-revocation': [join(root, 'src/index.ts')], 'session-revocation/http': [join(root, 'src/http/index.ts')] } },
      include: [],
      files: ['index.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', folder, '--pretty', 'false'], { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error).trim();
  }
}

describe('the node:http adapter as the docs give it', () => {
  it('is found in the guide and in the TSDoc', () => {
    expect(guideSnippet).toContain('createSessionHttp(');
    expect(tsdocSnippet).toContain('createSessionHttp(');
  });

  it("the guide's type-checks in strict mode", () => {
    expect(typecheck('guide', guideSnippet!)).toBe('');
  }, 120_000);

  it("createSessionHttp's TSDoc example type-checks in strict mode", () => {
    expect(typecheck('tsdoc', `${TSDOC_PRELUDE}${tsdocSnippet!}`)).toBe('');
  }, 120_000);
});
