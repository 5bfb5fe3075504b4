import { describe, expect, it } from 'vitest';
import { toSessionError } from '../../adapters/postgres/errors.js';

/** A driver error as pg and postgres.js report a server error: a message and its SQLSTATE. */
const serverError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('postgres store errors', () => {
  it('tells the user about preparedStatements: false when a named statement is missing or already there', () => {
    for (const [code, message] of [
      ['26000', 'prepared statement "session_revocation_get_0123456789ab" does not exist'],
      ['42P05', 'prepared statement "session_revocation_get_0123456789ab" already exists'],
    ] as const) {
      const error = toSessionError(serverError(code, message), 'get');
      expect(error.code).toBe('STORE_ERROR');
      expect(error.message).toContain(message);
      expect(error.message).toContain('preparedStatements: false');
    }
  });

  it('tells the user to run migrate() when the sign-in function is missing', () => {
    const error = toSessionError(serverError('42883', 'function session_revocation.sessions_create_session(...) does not exist'), 'create');
    expect(error.code).toBe('STORE_ERROR');
    expect(error.message).toContain('run store.migrate()');
  });

  it('tells the user to run migrate() when a table or column is missing', () => {
    for (const [code, message] of [
      ['42P01', 'relation "session_revocation.sessions_activity" does not exist'],
      ['42703', 'column s.impersonator_id does not exist'],
    ] as const) {
      const error = toSessionError(serverError(code, message), 'get');
      expect(error.code).toBe('STORE_ERROR');
      expect(error.message).toContain('run store.migrate()');
    }
  });

  it('reads postgres.js connection codes as an outage', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']) {
      expect(toSessionError(serverError(code, 'write CONNECTION_CLOSED'), 'get').code).toBe('STORE_UNAVAILABLE');
    }
  });

  it("reads a socket's codes as an outage, also the ones shaped like a SQLSTATE (EPIPE, ENOENT)", () => {
    for (const code of ['EPIPE', 'ENOENT', 'ECONNRESET']) {
      expect(toSessionError(serverError(code, `write ${code}`), 'apply').code).toBe('STORE_UNAVAILABLE');
    }
  });

  it('adds no hint to other errors', () => {
    expect(toSessionError(serverError('23502', 'null value in column "kind" violates not-null constraint'), 'get').message).not.toContain('(');
  });
});
