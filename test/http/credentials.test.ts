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

  it('never reads the URL', () => {
    expect(readCredential(fakeRequest({ url: `/api?session=${token}&access_token=${token}` }), 'session', true).from).toBe('none');
  });
});
