import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../src/http/index.js';

describe('safeNextPath', () => {
  it.each([
    '/',
    '/dashboard',
    '/dashboard?tab=2&x=%2F',
    '/a/b/c#section',
    '/caf%C3%A9',
    '/search?q=a+b',
    '/path;params',
    '/@user',
  ])('keeps the same-origin path %s', (value) => {
    expect(safeNextPath(value, '/home')).toBe(value);
  });

  it.each([
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/login'],
    ['backslash', '/\\evil.example'],
    ['double backslash', '\\\\evil.example'],
    ['backslash later', '/foo\\bar'],
    ['scheme', 'https://evil.example'],
    ['javascript scheme', 'javascript:alert(1)'],
    ['data scheme', 'data:text/html,hi'],
    ['scheme-relative with spaces', ' //evil.example'],
    ['no leading slash', 'evil.example'],
    ['tab trick', '/\t/evil.example'],
    ['newline trick', '/\n/evil.example'],
    ['carriage return', '/\r\nSet-Cookie: x=1'],
    ['NUL', '/\u0000/evil'],
    ['space', '/a b'],
    ['encoded slashes', '/%2F%2Fevil.example'],
    ['encoded slash after slash', '/%2Fevil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['lower-case encoded backslash', '/%5cevil.example'],
    ['double-encoded slashes', '/%252F%252Fevil.example'],
    ['triple-encoded slash', '/%25252Fevil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['encoded newline', '/%0d%0aLocation:%20//evil'],
    ['broken escape', '/%E0%A4%A'],
    ['non-ASCII', '/caf\u00e9'],
    ['full-width solidus', '/\uff0fevil.example'],
    ['empty', ''],
    ['overlong', `/${'a'.repeat(3000)}`],
    ['deep nesting of encodings', '/%2525252525252F'],
  ])('refuses %s', (_name, value) => {
    expect(safeNextPath(value, '/home')).toBe('/home');
  });

  it('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 42, ['/a', '/b'], { toString: () => '/a' }]) {
      expect(safeNextPath(value, '/home')).toBe('/home');
    }
  });

  it('falls back to "/" when the fallback itself is unsafe or missing', () => {
    expect(safeNextPath('//evil', '//evil')).toBe('/');
    expect(safeNextPath('//evil', 'https://evil.example')).toBe('/');
    expect(safeNextPath('//evil')).toBe('/');
  });
});
