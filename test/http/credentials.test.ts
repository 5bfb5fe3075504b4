import { describe, expect, it } from 'vitest';
import { readCredential } from '../../src/http/credentials.js';
import { mintToken } from '../../src/token.js';
import { fakeRequest } from './fake-request.js';

const token = mintToken().token;
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

describe('reading the credential', () => {
  it('reads the session cookie', () => {
    expect(readCredential(fakeRequest({ headers: { cookie: `session=${token}` } }), 'session', false)).toEqual({
      from: 'cookie',
      value: token,
      type: 'session',
      presented: [token],
    });
  });

  it('prefers a Bearer header to the cookie, even a junk one', () => {
    const cookie = `session=${mintToken().token}`;
    expect(readCredential(fakeRequest({ headers: { cookie, authorization: `Bearer ${token}` } }), 'session', false).value).toBe(token);
    const junk = readCredential(fakeRequest({ headers: { cookie, authorization: 'Bearer' } }), 'session', false);
    expect(junk).toEqual({ from: 'bearer', value: undefined, type: 'session', presented: [] });
  });

  it('ignores other Authorization schemes', () => {
    const read = readCredential(fakeRequest({ headers: { cookie: `session=${token}`, authorization: 'Basic YTpi' } }), 'session', false);
    expect(read.from).toBe('cookie');
  });

  it('treats a JWT-shaped Bearer value as an access token only with accessTokens', () => {
    const request = fakeRequest({ headers: { authorization: `bearer   ${jwt}` } });
    expect(readCredential(request, 'session', true)).toEqual({ from: 'bearer', value: jwt, type: 'access', presented: [] });
    expect(readCredential(request, 'session', false).type).toBe('session');
    expect(readCredential(fakeRequest({ headers: { authorization: `Bearer ${token}` } }), 'session', true).type).toBe('session');
  });

  const read = (headers: Record<string, string>, accessTokens = false) => readCredential(fakeRequest({ headers }), 'session', accessTokens);
  const junkBearer = { from: 'bearer', value: undefined, type: 'session', presented: [] };

  it('reports no credential when there is neither header', () => {
    expect(read({})).toEqual({ from: 'none', value: undefined, type: 'session', presented: [] });
    expect(read({ cookie: 'other=1' })).toEqual({ from: 'none', value: undefined, type: 'session', presented: [] });
  });

  it('lists a session token presented as Bearer, for revocation at sign-in', () => {
    expect(read({ authorization: `Bearer ${token}` })).toEqual({ from: 'bearer', value: token, type: 'session', presented: [token] });
    expect(read({ authorization: 'Bearer not-a-token' })).toEqual({ from: 'bearer', value: 'not-a-token', type: 'session', presented: [] });
  });

  it('reports an unusable cookie with the tokens it holds', () => {
    const other = mintToken().token;
    expect(read({ cookie: `session=${token}; session=${other}` })).toEqual({ from: 'cookie', value: undefined, type: 'session', presented: [token, other] });
    expect(read({ cookie: 'session=junk' })).toEqual({ from: 'cookie', value: undefined, type: 'session', presented: [] });
  });

  it('reads a Bearer header with spaces around it', () => {
    expect(read({ authorization: `  Bearer ${token}` }).value).toBe(token);
    expect(read({ authorization: `Bearer ${token}   ` }).value).toBe(token);
    expect(read({ authorization: `\tBearer ${token}` }).value).toBe(token);
  });

  it('refuses a Bearer value with anything around the one token', () => {
    for (const authorization of [`Bearer Bearer ${token}`, `Bearer ${token} junk`, `Bearer ${token},${token}`, `Bearer ${token} ${token}`, 'Bearer ', 'Bearer=x']) {
      expect(read({ cookie: `session=${token}`, authorization })).toEqual(authorization === 'Bearer=x' ? { from: 'cookie', value: token, type: 'session', presented: [token] } : junkBearer);
    }
  });

  it('ignores a scheme that only contains the word bearer', () => {
    for (const authorization of ['Digest username="bearer x"', 'Basic bearer', 'Bearerx abc', 'NotBearer abc']) {
      expect(read({ cookie: `session=${token}`, authorization }).from).toBe('cookie');
    }
  });

  it('looks at an Authorization header of at most 8 KiB', () => {
    const padded = (length: number) => `Bearer ${token}${' '.repeat(length - 7 - token.length)}`;
    expect(padded(8192)).toHaveLength(8192);
    expect(read({ authorization: padded(8192) }).value).toBe(token);
    expect(read({ authorization: padded(8193) })).toEqual(junkBearer);
    expect(read({ authorization: `Bearer ${'a'.repeat(1_000_000)}` })).toEqual(junkBearer);
  });

  it('takes only a whole three-part JWT as an access token', () => {
    for (const value of [`+${jwt}`, `${jwt}.more`, `${jwt}=`, 'a.b', 'a..c', `${jwt}/x`]) {
      expect(read({ authorization: `Bearer ${value}` }, true)).toMatchObject({ from: 'bearer', value, type: 'session' });
    }
  });

  it('never reads the URL', () => {
    expect(readCredential(fakeRequest({ url: `/api?session=${token}&token=${token}&access_token=${token}` }), 'session', true).from).toBe('none');
  });
});
