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
    ['a dot segment before a second slash', '/.//evil.example'],
    ['a parent segment before a second slash', '/..//evil.example'],
    ['a parent segment deeper in the path', '/a/..//evil.example'],
    ['an encoded parent segment', '/%2e%2e//evil.example'],
    ['an upper-case encoded dot segment', '/%2E//evil.example'],
    ['a double-encoded parent segment', '/%252e%252e//evil.example'],
    ['a parent segment and an encoded slash', '/..%2F/evil.example'],
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

  it('keeps a path up to 2,048 characters and refuses one longer', () => {
    const longest = `/${'a'.repeat(2047)}`;
    expect(safeNextPath(longest, '/home')).toBe(longest);
    expect(safeNextPath(`${longest}a`, '/home')).toBe('/home');
  });

  it('decodes a harmless value up to four times and refuses one still encoded after that', () => {
    // "/%2541" decodes to "/%41", then to "/A": three different forms, kept.
    expect(safeNextPath('/%252541', '/home')).toBe('/%252541');
    // Four decodings, each changing it, end in "/A": a value still changing after four
    // decodings is refused, whatever it ends as.
    expect(safeNextPath('/%25252541', '/home')).toBe('/home');
    expect(safeNextPath('/%2525252541', '/home')).toBe('/home');
  });

  it('keeps "//" and dot segments inside a path, where they cannot change the host', () => {
    for (const value of ['/a//b', '/a/%2F/b', '/a/./b', '/a/b/../c', '/..', '/./a', '/a/..']) {
      expect(safeNextPath(value, '/home')).toBe(value);
    }
  });

  it('gives "/" when the fallback is not a string', () => {
    for (const fallback of [42, null, ['/home'], { toString: () => '/home' }]) {
      expect(safeNextPath('//evil', fallback as unknown as string)).toBe('/');
    }
  });

  it('keeps a safe fallback as given', () => {
    expect(safeNextPath(undefined, '/a/b?c=d')).toBe('/a/b?c=d');
  });
});
