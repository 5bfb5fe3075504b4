import { describe, expect, it } from 'vitest';
import { cookieValues, readCookieToken } from '../../src/http/cookies.js';

// Many ";"-separated segments without "=", then a run of spaces before the first "=": each segment used to read on to
// that "=" and trim the same spaces again, so the work grew with segments × spaces (seconds of CPU for one request).
const hostile = (segments: number, spaces: number): string => 'a;'.repeat(segments) + ' '.repeat(spaces) + '=x';

describe('the Cookie header is read in time linear in its length', () => {
  it('a 60 KB hostile header (a runtime with larger headers than Node allows) is read at once, as one without cookies', () => {
    const header = hostile(15_000, 30_000);
    expect(cookieValues(header, 'session')).toEqual([]);
    const started = performance.now();
    for (let round = 0; round < 5; round++) expect(readCookieToken(header, 'session')).toEqual({ state: 'absent' });
    // Linear code takes about a millisecond a round here; the quadratic one took seconds.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('segments without "=" among real cookies change nothing that is read', () => {
    expect(cookieValues('junk; session=abc; more junk ;  other=1;session = "def" ; tail', 'session')).toEqual(['abc', 'def']);
    expect(cookieValues('a;b;c; =; session', 'session')).toEqual([]);
    expect(cookieValues('session;x=1', 'session')).toEqual([]);
  });
});
