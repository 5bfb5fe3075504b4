import { afterAll, describe } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { describeSqlContract } from '../support/sql-contract.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

describe('sqlite store: the raw contract', () => {
  describeSqlContract(async () => sqliteStore({ filename: files.next() }));
});
