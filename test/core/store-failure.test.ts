import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, storeFailure } from '../../src/index.js';

// A store author wraps a driver's error with storeFailure(): an unreachable server must read as
// an outage (STORE_UNAVAILABLE), anything else as a failure (STORE_ERROR), never as success.

/** The error Node gives a connect to a loopback port nothing listens on. */
async function refusedConnect(): Promise<Error> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const socket = connect(port, '127.0.0.1');
  const [error] = (await once(socket, 'error').catch((thrown: unknown) => [thrown])) as [Error];
  return error;
}

async function timedOut(): Promise<unknown> {
  const signal = AbortSignal.timeout(1);
  await once(signal, 'abort');
  return signal.reason;
}

describe('storeFailure', () => {
  it('makes a refused connection, a failed connect to several addresses and a timeout STORE_UNAVAILABLE', async () => {
    const refused = await refusedConnect();
    expect((refused as Error & { code?: string }).code).toBe('ECONNREFUSED');
    const several = new AggregateError([refused, Object.assign(new Error('connect ENETUNREACH ::1:6379'), { code: 'ENETUNREACH' })], 'connect failed');
    for (const error of [refused, several, await timedOut(), Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })]) {
      const failure = storeFailure(error);
      expect([failure.code, failure.cause]).toEqual(['STORE_UNAVAILABLE', error]);
    }
    expect(storeFailure(refused).message).toContain('ECONNREFUSED');
  });

  it('makes anything else STORE_ERROR, and passes a SessionError through unchanged', () => {
    for (const error of [new Error('syntax error at or near "SELEC"'), new TypeError('x is not a function'), Object.assign(new Error('duplicate key'), { code: '23505' }), 'a string', undefined]) {
      const failure = storeFailure(error);
      expect([failure.code, failure.cause]).toEqual(['STORE_ERROR', error]);
    }
    const own = new SessionError('CLOSED', 'closed');
    expect(storeFailure(own)).toBe(own);
  });

  it('is what the manager makes of a driver error a store lets through: an outage, not a failure', async () => {
    const refused = await refusedConnect();
    const sessions = createSessionManager({ store: { ...memoryStore(), get: () => Promise.reject(refused) } });
    await expect(sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', cause: refused });
    await sessions.close();
  });
});
