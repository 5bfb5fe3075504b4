import { describe, expect, it } from 'vitest';
import { SessionError } from '../../src/errors.js';
import { resolveHttpOptions, type SessionHttpOptions } from '../../src/http/options.js';
import { resolveRoutePrefix, resolveRoutesOptions } from '../../src/http/routes-options.js';

function configurationError(options: unknown): SessionError | undefined {
  try {
    resolveHttpOptions(options as SessionHttpOptions);
    return undefined;
  } catch (error) {
    return error as SessionError;
  }
}

describe('middleware options', () => {
  it('fills defaults', () => {
    expect(resolveHttpOptions()).toEqual({
      loginPath: '/login',
      reauthPath: '/login?reauth=1',
      cookieName: undefined,
      secure: undefined,
      securePrefix: false,
      cookie: { sameSite: 'Lax', domain: undefined },
      trustProxy: false,
      accessTokens: false,
      retryAfter: 5,
      onError: undefined,
    });
  });

  it.each([
    ['a __Host- name with a Domain', { cookieName: '__Host-sid', domain: 'example.com' }, /__Host-.*Domain/],
    ['a __Host- name (any case) with a Domain', { cookieName: '__host-sid', domain: 'example.com' }, /__Host-/],
    ['a __Host- name without Secure', { cookieName: '__Host-sid', secure: false }, /needs Secure/],
    ['a __Secure- name without Secure', { cookieName: '__Secure-sid', secure: false }, /needs Secure/],
    ['SameSite=None without Secure', { sameSite: 'none' }, /secure: true/],
    ['SameSite=None with secure: false', { sameSite: 'none', secure: false }, /secure: true/],
    ['an unknown SameSite', { sameSite: 'sometimes' }, /sameSite/],
    ['a login URL', { loginPath: 'https://evil.example/login' }, /loginPath/],
    ['a protocol-relative login path', { loginPath: '//evil.example/login' }, /loginPath/],
    ['a relative login path', { loginPath: 'login' }, /loginPath/],
    // "/login#top?next=/x" would put next in the fragment, where the server never sees it.
    ['a login path with a fragment', { loginPath: '/login#top' }, /loginPath/],
    ['a re-authentication URL', { reauthPath: 'https://evil.example/confirm' }, /reauthPath/],
    ['a protocol-relative re-authentication path', { reauthPath: '//evil.example/confirm' }, /reauthPath/],
    ['a re-authentication path with a fragment', { reauthPath: '/confirm#now' }, /reauthPath/],
    ['a cookie name with a space', { cookieName: 'my session' }, /cookieName/],
    ['a cookie name with "="', { cookieName: 'a=b' }, /cookieName/],
    ['a domain with a path', { domain: 'example.com/x' }, /domain/],
    ['a string for secure', { secure: 'yes' }, /secure/],
    ['a string for trustProxy', { trustProxy: 'true' }, /trustProxy/],
    ['no proxy for trustProxy', { trustProxy: 0 }, /trustProxy/],
    ['a fraction of a proxy for trustProxy', { trustProxy: 1.5 }, /trustProxy/],
    ['a fraction for retryAfter', { retryAfter: 0.5 }, /retryAfter/],
    ['a non-function onError', { onError: 'log' }, /onError/],
  ])('refuses %s at startup with a clear message', (_name, options, message) => {
    const error = configurationError(options);
    expect(error).toBeInstanceOf(SessionError);
    expect(error?.code).toBe('INVALID_CONFIGURATION');
    expect(error?.message).toMatch(message);
  });

  it('accepts consistent choices', () => {
    expect(configurationError({ sameSite: 'none', secure: true })).toBeUndefined();
    expect(configurationError({ sameSite: 'Strict' })).toBeUndefined();
    expect(configurationError({ cookieName: '__Host-sid' })).toBeUndefined();
    expect(configurationError({ cookieName: '__Secure-sid', domain: 'example.com' })).toBeUndefined();
    expect(configurationError({ loginPath: '/auth/login?from=app' })).toBeUndefined();
    expect(configurationError({ reauthPath: '/confirm-password' })).toBeUndefined();
    expect(configurationError({ sameSite: 'strict', trustProxy: true, accessTokens: true, retryAfter: 30 })).toBeUndefined();
    expect(configurationError({ trustProxy: 2 })).toBeUndefined();
  });
});

describe('routes options', () => {
  it('take requireFresh in whole ms, off by default', () => {
    expect(resolveRoutesOptions()).toEqual({ prefix: '/sessions', requireFresh: undefined, revocationLinks: false });
    expect(resolveRoutesOptions({ prefix: '/me/sessions', requireFresh: 300_000 })).toEqual({ prefix: '/me/sessions', requireFresh: 300_000, revocationLinks: false });
    for (const requireFresh of [0, -1, 1.5, '600000', true]) {
      expect(() => resolveRoutesOptions({ requireFresh } as never)).toThrow(/requireFresh/);
    }
    expect(() => resolveRoutesOptions({ requireFreshness: 1 } as never)).toThrow(/requireFreshness/);
  });

  it('take revocationLinks as a boolean, off by default', () => {
    expect(resolveRoutesOptions({ revocationLinks: true }).revocationLinks).toBe(true);
    for (const revocationLinks of ['yes', 1, null]) expect(() => resolveRoutesOptions({ revocationLinks } as never)).toThrow(/revocationLinks/);
  });
});

describe('routes prefix', () => {
  it('defaults to /sessions and drops a trailing slash', () => {
    expect(resolveRoutePrefix()).toBe('/sessions');
    expect(resolveRoutesOptions({ prefix: null as unknown as string }).prefix).toBe('/sessions');
    expect(resolveRoutePrefix('/account/sessions/')).toBe('/account/sessions');
  });

  it.each(['/', '', 'sessions', '//sessions', '/sessions?x=1', '/a%2Fb', 'https://x/sessions'])('refuses %j', (prefix) => {
    expect(() => resolveRoutePrefix(prefix)).toThrow(/prefix/);
  });
});
