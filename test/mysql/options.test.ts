import mysql from 'mysql2';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlPool } from '../../adapters/mysql/index.js';
import { testMysqlPool } from '../support/mysql-database.js';

// Nothing here reaches a server: a pool connects lazily, and the checks run before.
const pool = testMysqlPool();
afterAll(() => pool.end());

describe('mysqlStore options', () => {
  it('says what to install and pass when the pool is missing', () => {
    expect(() => mysqlStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('npm install mysql2') }));
    expect(() => mysqlStore(undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });

  it('asks for the promise pool when given the callback one', () => {
    const callbackPool = mysql.createPool({ host: '127.0.0.1' });
    try {
      expect(() => mysqlStore({ pool: callbackPool as unknown as MysqlPool })).toThrow(expect.objectContaining({ message: expect.stringContaining('pool.promise()') }));
    } finally {
      callbackPool.end();
    }
  });

  it('refuses an unknown option, naming it', () => {
    expect(() => mysqlStore({ pool, tablePrefix: 'x_' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('"tablePrefix"') }));
  });

  it('accepts plain lower-case prefixes, the empty one included', () => {
    for (const prefix of ['', 'app_', '_x', 'a'.repeat(48), 'sessions2_']) expect(() => mysqlStore({ pool, prefix })).not.toThrow();
  });

  it('refuses a prefix that is not a plain lower-case identifier of at most 48 characters', () => {
    for (const prefix of ['App_', '1x', 'a-b', 'a b', 'a`; DROP TABLE users; --', 'x.', 'é', 'a'.repeat(49), 42]) {
      expect(() => mysqlStore({ pool, prefix: prefix as string })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('prefix') }));
    }
  });

  it('refuses a statementTimeout that is not a positive number of ms', () => {
    for (const statementTimeout of [0, -1, Number.NaN, '100']) {
      expect(() => mysqlStore({ pool, statementTimeout: statementTimeout as number })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('statementTimeout') }));
    }
  });
});
