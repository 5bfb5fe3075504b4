import { describe, expect, it } from 'vitest';
import { postgresStore, type PostgresPool, type PostgresStoreOptions } from '../../adapters/postgres/index.js';
import { isSessionError } from '../../src/errors.js';

// Checking options needs no server: a pool that is never asked for a connection.
const pool: PostgresPool = {
  connect: () => Promise.reject(new Error('options tests never connect')),
};

/** The SessionError the factory throws for these options. */
function refusal(options: unknown): { code: string; message: string } {
  try {
    postgresStore(options as PostgresStoreOptions);
  } catch (error) {
    if (isSessionError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('postgresStore accepted the options');
}

describe('postgresStore options', () => {
  it('refuses an option it does not know, naming it (a typo must not be ignored)', () => {
    const { code, message } = refusal({ pool, preparedStatement: false });
    expect(code).toBe('INVALID_CONFIGURATION');
    expect(message).toContain('"preparedStatement"');
    expect(refusal({ pool, listenPool: pool }).message).toContain('"listenPool"');
  });

  it('refuses a missing or unusable client', () => {
    expect(refusal({}).code).toBe('INVALID_CONFIGURATION');
    expect(refusal({ pool: {} }).code).toBe('INVALID_CONFIGURATION');
    expect(refusal({ pool: () => undefined }).code).toBe('INVALID_CONFIGURATION');
  });

  it('checks the type and range of every option', () => {
    expect(refusal({ pool, preparedStatements: 'no' }).message).toContain('preparedStatements');
    expect(refusal({ pool, statementTimeout: 0 }).message).toContain('statementTimeout');
    expect(refusal({ pool, statementTimeout: 1.5 }).message).toContain('statementTimeout');
    expect(refusal({ pool, listen: 'yes' }).message).toContain('listen');
    expect(refusal({ pool, listen: {} }).message).toContain('listen');
    expect(refusal({ pool, listen: { pool, extra: 1 } }).message).toContain('listen');
    expect(refusal({ pool, schema: 'Bad-Name' }).code).toBe('INVALID_CONFIGURATION');
  });

  it('accepts every documented shape', () => {
    for (const listen of [true, false, { pool }]) {
      expect(() => postgresStore({ pool, preparedStatements: false, listen, statementTimeout: 500, schema: 's', table: 't' })).not.toThrow();
    }
  });
});
