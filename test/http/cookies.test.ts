import { describe, expect, it } from 'vitest';
import {
  cookieValues,
  readCookieToken,
  restoredCookies,
  serializeClearedCookie,
  serializeSessionCookie,
  sessionCookieFor,
} from '../../src/http/cookies.js';
import { resolveHttpOptions } from '../../src/http/options.js';
import { mintToken } from '../../src/token.js';

const lax = { sameSite: 'Lax', domain: undefined } as const;

describe('cookie parsing', () => {
  it('finds every value of one name, trimmed, quotes removed, nothing decoded', () => {
    expect(cookieValues('a=1; session=x; b=2', 'session')).toEqual(['x']);
    expect(cookieValues('session=x;session=y', 'session')).toEqual(['x', 'y']);
    expect(cookieValues('  session =  "x"  ; other=1', 'session')).toEqual(['x']);
    expect(cookieValues('session=%41', 'session')).toEqual(['%41']);
    expect(cookieValues('Session=x; SESSION=y', 'session')).toEqual([]);
    expect(cookieValues('__Host-session=x; session=y', 'session')).toEqual(['y']);
    expect(cookieValues('session=a=b', 'session')).toEqual(['a=b']);
    // Tabs are whitespace around a name and a value too (RFC 6265), on either side.
    expect(cookieValues('\tsession\t=\t"x"\t; other=1', 'session')).toEqual(['x']);
    expect(cookieValues('a=1;\t session \t=x\t \t', 'session')).toEqual(['x']);
  });

  it('copes with junk headers', () => {
    expect(cookieValues(undefined, 'session')).toEqual([]);
    expect(cookieValues('', 'session')).toEqual([]);
    expect(cookieValues(';;;;', 'session')).toEqual([]);
    expect(cookieValues('session', 'session')).toEqual([]);
    expect(cookieValues('session=', 'session')).toEqual(['']);
    expect(cookieValues('=session', 'session')).toEqual([]);
    expect(cookieValues(`${';'.repeat(10_000)}session=x`, 'session')).toEqual(['x']);
  });

  it('takes a value out of double quotes only when it has both', () => {
    expect(cookieValues('session="abc"', 'session')).toEqual(['abc']);
    expect(cookieValues('session=""', 'session')).toEqual(['']);
    expect(cookieValues('session="', 'session')).toEqual(['"']);
    expect(cookieValues('session=abc"', 'session')).toEqual(['abc"']);
    expect(cookieValues('session="abc', 'session')).toEqual(['"abc']);
    expect(cookieValues('session=a"b"', 'session')).toEqual(['a"b"']);
  });

  it('skips a cookie without "=" wherever it stands', () => {
    expect(cookieValues('a=1; session;', 'session')).toEqual([]);
    expect(cookieValues('a=1; session', 'session')).toEqual([]);
    expect(cookieValues('session; session=x', 'session')).toEqual(['x']);
    expect(cookieValues('session; a=1; session=y', 'session')).toEqual(['y']);
    expect(cookieValues('s=1; x; s=2', 's')).toEqual(['1', '2']);
    expect(cookieValues('=1; s=2', 's')).toEqual(['2']);
  });

  it('reads the last cookie of a header ending in ";" or spaces', () => {
    expect(cookieValues('a=1; session=x;', 'session')).toEqual(['x']);
    expect(cookieValues('a=1; session=x ; ', 'session')).toEqual(['x']);
  });

  it('stays linear on a million ";" before or after the cookie', () => {
    const many = ';'.repeat(1_000_000);
    const started = performance.now();
    expect(cookieValues(`${many}session=x`, 'session')).toEqual(['x']);
    expect(cookieValues(`session=x${many}`, 'session')).toEqual(['x']);
    expect(cookieValues(`${many}a${many}session=x`, 'session')).toEqual(['x']);
    expect(cookieValues(`a=1${many}`, 'session')).toEqual([]);
    // Linear work takes tens of ms (seconds under a coverage tool); a quadratic loop, minutes.
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 60_000);
});

describe('duplicate cookie names', () => {
  const genuine = mintToken().token;
  const planted = mintToken().token;

  it('reads one token', () => {
    expect(readCookieToken(`session=${genuine}`, 'session')).toEqual({ state: 'token', token: genuine });
  });

  it('reports an absent cookie', () => {
    expect(readCookieToken('other=1', 'session')).toEqual({ state: 'absent' });
    expect(readCookieToken(undefined, 'session')).toEqual({ state: 'absent' });
  });

  it('ignores junk values beside a token, in any order', () => {
    for (const header of [`session=junk; session=${genuine}`, `session=${genuine}; session=`, `session=${genuine}; session=${genuine}`]) {
      expect(readCookieToken(header, 'session')).toEqual({ state: 'token', token: genuine });
    }
  });

  it('treats two different tokens as no session at all, whichever comes first', () => {
    for (const header of [`session=${planted}; session=${genuine}`, `session=${genuine}; session=${planted}`]) {
      const read = readCookieToken(header, 'session');
      expect(read.state).toBe('invalid');
      expect(read.state === 'invalid' ? [...read.candidates].sort() : []).toEqual([genuine, planted].sort());
    }
  });

  it('lists each different token once, however often and in whatever order it repeats', () => {
    const third = mintToken().token;
    const header = [genuine, planted, planted, genuine, third, planted, third].map((token) => `session=${token}`).join('; ');
    expect(readCookieToken(header, 'session')).toEqual({ state: 'invalid', candidates: [genuine, planted, third] });
  });

  it('keeps at most four candidates', () => {
    const header = Array.from({ length: 50 }, () => `session=${mintToken().token}`).join('; ');
    const read = readCookieToken(header, 'session');
    expect(read.state === 'invalid' ? read.candidates.length : 0).toBe(4);
  });

  it('reports a cookie with no usable value as invalid', () => {
    expect(readCookieToken('session=', 'session')).toEqual({ state: 'invalid', candidates: [] });
    expect(readCookieToken('=session; ==; session==', 'session')).toEqual({ state: 'invalid', candidates: [] });
    expect(readCookieToken('session=caf\u00e9.\u00fc\u00df', 'session')).toEqual({ state: 'invalid', candidates: [] });
    expect(readCookieToken(`session=${'a'.repeat(8192)}`, 'session')).toEqual({ state: 'invalid', candidates: [] });
  });
});

describe('cookie serialising', () => {
  it('writes HttpOnly, SameSite=Lax, Path=/, Max-Age in whole seconds, no Domain', () => {
    expect(serializeSessionCookie('session', 'tok', 2_592_000.9, false, lax)).toBe('session=tok; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax');
    expect(serializeSessionCookie('__Host-session', 'tok', 60, true, lax)).toBe('__Host-session=tok; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(serializeSessionCookie('session', 'tok', -5, false, lax)).toBe('session=tok; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  });

  it('writes a session-only cookie (no Max-Age, no Expires: gone when the browser closes) with the same attributes', () => {
    expect(serializeSessionCookie('session', 'tok', undefined, false, lax)).toBe('session=tok; Path=/; HttpOnly; SameSite=Lax');
    expect(serializeSessionCookie('__Host-session', 'tok', undefined, true, lax)).toBe('__Host-session=tok; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('clears with Max-Age=0 and the same attributes', () => {
    expect(serializeClearedCookie('__Host-session', true, lax)).toBe('__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(serializeClearedCookie('sid', false, { sameSite: 'Strict', domain: 'example.com' })).toBe(
      'sid=; Max-Age=0; Path=/; Domain=example.com; HttpOnly; SameSite=Strict',
    );
  });
});

describe('which cookie a request uses', () => {
  it('defaults to __Host-session over HTTPS and session over plain HTTP', () => {
    const options = resolveHttpOptions({});
    expect(sessionCookieFor(options, true)).toEqual({ name: '__Host-session', secure: true });
    expect(sessionCookieFor(options, false)).toEqual({ name: 'session', secure: false });
  });

  it('follows a forced secure option', () => {
    expect(sessionCookieFor(resolveHttpOptions({ secure: true }), false)).toEqual({ name: '__Host-session', secure: true });
    expect(sessionCookieFor(resolveHttpOptions({ secure: false }), true)).toEqual({ name: 'session', secure: false });
  });

  it('uses __Secure-session with a domain, and always Secure for a prefixed name', () => {
    expect(sessionCookieFor(resolveHttpOptions({ domain: 'example.com' }), true)).toEqual({ name: '__Secure-session', secure: true });
    expect(sessionCookieFor(resolveHttpOptions({ cookieName: '__Host-sid' }), false)).toEqual({ name: '__Host-sid', secure: true });
    expect(sessionCookieFor(resolveHttpOptions({ cookieName: 'sid' }), true)).toEqual({ name: 'sid', secure: true });
  });
});

describe("restoredCookies (the layer's cookies an app's own Set-Cookie replaced)", () => {
  const [rotated, cleared, app] = ['session=new; Path=/', 'session=; Max-Age=0', 'csrf=1; Path=/'];

  it('changes nothing while every cookie the layer wrote is still there', () => {
    expect(restoredCookies([rotated], [app, rotated])).toBeUndefined();
    expect(restoredCookies([], undefined)).toBeUndefined();
  });

  it("puts a replaced cookie back after the app's", () => {
    expect(restoredCookies([rotated], app)).toEqual([app, rotated]);
    expect(restoredCookies([rotated], undefined)).toEqual([rotated]);
  });

  it('keeps the order written from the first missing one on, so the newest cookie of a name comes last', () => {
    // Rotated, replaced by the app, then cleared by a sign-out: the clearing cookie must stay last.
    expect(restoredCookies([rotated, cleared], [app, cleared])).toEqual([app, rotated, cleared]);
    expect(restoredCookies([rotated, cleared], [cleared, app])).toEqual([app, rotated, cleared]);
    // One written before the first missing one keeps its place, before the app's.
    expect(restoredCookies([cleared, rotated], [cleared, app])).toEqual([cleared, app, rotated]);
  });
});
