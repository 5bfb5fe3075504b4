/** The tables every SQL store keeps, by their name before prefixes and quoting. */
export type TableName = 'sessions' | 'owners' | 'epochs' | 'high_water' | 'denied' | 'devices' | 'activity' | 'keys';

/** How an upsert sets a column of a row that exists: to the new value, the larger, or one more. */
export type OnConflict = 'new' | 'max' | 'inc';

/** Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB; the SQL is written once in `statements.ts`. */
export interface Dialect {
  /** Turns the `?` placeholders of a statement into the driver's own. */
  readonly placeholders: (text: string) => string;
  /** The larger of two values: `GREATEST`, SQLite's scalar `MAX`. */
  readonly greatest: string;
  /** Locks a row read in a transaction; empty where the transaction already holds the database (SQLite). */
  readonly forUpdate: string;
  /** Column types: ids (up to 256 characters), short text (kinds, hashes, keys), ms, JSON. */
  readonly types: { readonly id: string; readonly short: string; readonly ms: string; readonly json: string };
  /** What follows `CREATE TABLE (...)`. */
  readonly tableOptions: string;
  /** MySQL has no `CREATE INDEX IF NOT EXISTS`: its indexes go inside `CREATE TABLE`. */
  readonly inlineIndexes: boolean;
  /** MySQL deletes the rows a subquery picked through a join: its `DELETE ... WHERE key IN (subquery)` runs the subquery once per row. */
  readonly joinedDelete: boolean;
  /** An INSERT that updates the row of the same key as `set` says. */
  upsert(table: string, columns: readonly string[], key: readonly string[], set: Readonly<Record<string, OnConflict>>): string;
  /** An INSERT that leaves an existing row of the same key as it is (and counts 0 rows). */
  insertIgnore(table: string, columns: readonly string[], key: readonly string[]): string;
}

const values = (columns: readonly string[]): string => `(${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
// An upsert's SET, `old` and `proposed` naming a column of the existing row and of the proposed one.
const assignments = (set: Readonly<Record<string, OnConflict>>, greatest: string, old: (column: string) => string, proposed: (column: string) => string): string =>
  Object.entries(set).map(([c, how]) => `${c} = ${how === 'new' ? proposed(c) : how === 'max' ? `${greatest}(${old(c)}, ${proposed(c)})` : `${old(c)} + 1`}`).join(', ');

// PostgreSQL and SQLite: the existing row through an alias, the proposed one as `excluded`.
const standard = (greatest: string): Pick<Dialect, 'greatest' | 'upsert' | 'insertIgnore'> => ({
  greatest,
  upsert: (table, columns, key, set) => `INSERT INTO ${table} AS o ${values(columns)} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${assignments(set, greatest, (c) => `o.${c}`, (c) => `excluded.${c}`)}`,
  insertIgnore: (table, columns, key) => `INSERT INTO ${table} ${values(columns)} ON CONFLICT (${key.join(', ')}) DO NOTHING`,
});

/** SQLite 3.35 or later (better-sqlite3): one writer at a time, so no row locks. */
export const sqliteDialect: Dialect = {
  placeholders: (text) => text,
  forUpdate: '',
  types: { id: 'TEXT', short: 'TEXT', ms: 'INTEGER', json: 'TEXT' },
  tableOptions: '',
  inlineIndexes: false,
  joinedDelete: false,
  ...standard('MAX'),
};

/** PostgreSQL 12 or later: `$n` placeholders, ids compared and sorted byte by byte (`COLLATE "C"`). */
export const postgresDialect: Dialect = {
  ...sqliteDialect,
  placeholders: (text) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  },
  forUpdate: ' FOR UPDATE',
  types: { id: 'TEXT COLLATE "C"', short: 'TEXT COLLATE "C"', ms: 'BIGINT', json: 'TEXT' },
  ...standard('GREATEST'),
};

/** MySQL 8 and MariaDB 10.5+: text as bytes (VARBINARY), the proposed row through `VALUES()`. */
export const mysqlDialect: Dialect = {
  placeholders: (text) => text,
  greatest: 'GREATEST',
  forUpdate: ' FOR UPDATE',
  types: { id: 'VARBINARY(1024)', short: 'VARBINARY(255)', ms: 'BIGINT', json: 'BLOB' },
  tableOptions: ' ENGINE=InnoDB',
  inlineIndexes: true,
  joinedDelete: true,
  upsert: (table, columns, _key, set) => `INSERT INTO ${table} ${values(columns)} ON DUPLICATE KEY UPDATE ${assignments(set, 'GREATEST', (c) => c, (c) => `VALUES(${c})`)}`,
  insertIgnore: (table, columns) => `INSERT IGNORE INTO ${table} ${values(columns)}`,
};
