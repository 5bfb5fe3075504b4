import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('core dependencies', () => {
  it('the installed ua-parser-js is the MIT 1.0.x line, never the AGPL 2.x', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('ua-parser-js/package.json'), 'utf8')) as { version: string; license: string };
    expect(manifest.license).toBe('MIT');
    expect(manifest.version).toMatch(/^1\.0\.\d+$/);
  });

  it('the package depends on jose, ua-parser-js ~1.0.41 and fastify-plugin only', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['fastify-plugin', 'jose', 'ua-parser-js']);
    expect(manifest.dependencies['ua-parser-js']).toBe('~1.0.41');
  });

  it('fastify-plugin, a dependency the way Fastify\'s own plugins have it, is MIT and brings nothing else', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('fastify-plugin/package.json'), 'utf8')) as { license: string; dependencies?: Record<string, string> };
    expect(manifest.license).toBe('MIT');
    expect(manifest.dependencies ?? {}).toEqual({});
  });
});
