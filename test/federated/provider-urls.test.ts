import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, rpLogoutUrl } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A provider's URLs are https: its keys decide who is signed out, and the ID token travels to
// its end-session endpoint. Plain http only on this machine (127.0.0.0/8, ::1, localhost), for
// development and tests; any other is refused with a message naming it.

const PLAIN_HTTP = /is plain http: use the provider's https URL \(plain http is accepted only on this machine: 127\.0\.0\.0\/8, ::1, localhost\)\./;

describe('plain http provider URLs', () => {
  let idp: HomeIssuer;
  beforeAll(async () => {
    idp = await startHomeIssuer();
  });
  afterAll(() => idp.close());
  // Every refusal here comes before a store call: one manager serves them all.
  const sessions = createSessionManager({ store: memoryStore() });

  it('refuses a plain http issuer or jwksUri on another machine, naming it', async () => {
    const refused = [
      [{ issuer: 'http://login.example.com', clientId: 'app' }, 'backchannelLogout(): issuer (http://login.example.com/)'],
      [{ issuer: 'https://login.example.com', clientId: 'app', jwksUri: 'http://login.example.com/jwks' }, 'backchannelLogout(): jwksUri (http://login.example.com/jwks)'],
      [{ issuer: 'http://10.0.0.7', clientId: 'app' }, 'backchannelLogout(): issuer (http://10.0.0.7/)'],
      [{ issuer: 'http://127.0.0.1.example.com', clientId: 'app' }, 'backchannelLogout(): issuer (http://127.0.0.1.example.com/)'],
    ] as const;
    for (const [entry, named] of refused) {
      const answer = sessions.backchannelLogout('not a token', { issuers: [entry] });
      await expect(answer).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
      await expect(answer).rejects.toThrow(named);
      await expect(answer).rejects.toThrow(PLAIN_HTTP);
    }
    // The session routes check them when created.
    expect(() => express().use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: 'http://login.example.com', clientId: 'app' }] } }))).toThrow(PLAIN_HTTP);
  });

  it('refuses a provider URL carrying a user name or password, which fetch would refuse on every request', async () => {
    for (const [entry, named] of [
      [{ issuer: 'https://admin:secret@login.example.com', clientId: 'app' }, 'backchannelLogout(): issuer (https://admin:***@login.example.com/)'],
      [{ issuer: 'https://login.example.com', clientId: 'app', jwksUri: 'https://svc@login.example.com/jwks' }, 'backchannelLogout(): jwksUri (https://svc@login.example.com/jwks)'],
    ] as const) {
      const answer = sessions.backchannelLogout('not a token', { issuers: [entry] });
      await expect(answer).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
      await expect(answer).rejects.toThrow(`${named} carries a user name or password`);
      await expect(answer).rejects.not.toThrow('secret');
    }
  });

  it('accepts https anywhere and plain http on the loopback (127.0.0.0/8, ::1, localhost)', async () => {
    for (const issuer of ['https://login.example.com', 'http://127.0.0.1:4621', 'http://127.0.0.2:4621/', 'http://localhost:4621', 'http://[::1]:4621']) {
      // Refused for the token (before any fetch), not for the issuer.
      expect(await sessions.backchannelLogout('not a token', { issuers: [{ issuer, clientId: 'app' }] })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a plain http jwks_uri named by discovery (keys_unavailable), without fetching it', async () => {
    const errors: unknown[] = [];
    const manager = createSessionManager({ store: memoryStore() });
    const port = new URL(idp.issuer).port;
    // 0.0.0.0 reaches this machine, but is not a loopback address: refused like any other host.
    idp.metadata = { jwks_uri: `http://0.0.0.0:${port}/jwks` };
    try {
      const answer = await manager.backchannelLogout(await idp.logoutToken(), { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], onRefused: (refusal) => void errors.push(refusal.cause) });
      expect(answer).toEqual({ ok: false, reason: 'keys_unavailable' });
      expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringMatching(PLAIN_HTTP) })]);
      expect((errors[0] as Error).message).toContain(`The jwks_uri of ${idp.issuer}/.well-known/openid-configuration (http://0.0.0.0:${port}/jwks)`);
      expect(idp.jwksFetches).toBe(0);
    } finally {
      idp.metadata = {};
      await manager.close();
    }
  });
});

describe('rpLogoutUrl() and plain http', () => {
  it('refuses a plain http end-session endpoint on another machine, naming it', () => {
    for (const endpoint of ['http://login.example.com/logout', 'http://192.168.1.20/end']) {
      expect(() => rpLogoutUrl({ endSessionEndpoint: endpoint, idTokenHint: 'id-token' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringMatching(PLAIN_HTTP) }));
      expect(() => rpLogoutUrl({ issuerMetadata: { end_session_endpoint: endpoint } })).toThrow(`rpLogoutUrl(): end_session_endpoint (${endpoint})`);
    }
  });

  it("refuses a plain http end-session endpoint on the loopback named by an https issuer's metadata: the ID token would travel unencrypted", () => {
    const endpoint = 'http://127.0.0.1:4621/session/end';
    expect(() => rpLogoutUrl({ issuerMetadata: { issuer: 'https://login.example.com', end_session_endpoint: endpoint }, idTokenHint: 'id-token' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: `rpLogoutUrl(): end_session_endpoint (${endpoint}) is plain http, named by https://login.example.com/, which was read over https.` }),
    );
    // A provider run on this machine over plain http names its own.
    expect(rpLogoutUrl({ issuerMetadata: { issuer: 'http://127.0.0.1:4621', end_session_endpoint: endpoint }, clientId: 'c' })).toBe(`${endpoint}?client_id=c`);
  });

  it('accepts https, and plain http on the loopback', () => {
    expect(rpLogoutUrl({ endSessionEndpoint: 'http://localhost:4621/session/end', clientId: 'c' })).toBe('http://localhost:4621/session/end?client_id=c');
    expect(rpLogoutUrl({ endSessionEndpoint: 'http://127.0.0.1:4621/session/end', clientId: 'c' })).toBe('http://127.0.0.1:4621/session/end?client_id=c');
    expect(rpLogoutUrl({ endSessionEndpoint: 'https://login.example.com/logout', clientId: 'c' })).toBe('https://login.example.com/logout?client_id=c');
  });
});
