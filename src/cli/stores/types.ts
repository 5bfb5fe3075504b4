import type { SessionStore } from '../../store.js';

/** The store flags of the command line, each belonging to one kind of store. */
export interface StoreFlags {
  /** Redis: key prefix. */
  readonly prefix?: string | undefined;
  /** PostgreSQL: schema. */
  readonly schema?: string | undefined;
  /** PostgreSQL: sessions table. */
  readonly table?: string | undefined;
  /** PostgreSQL: named statements (false behind a transaction pooler). */
  readonly preparedStatements?: boolean | undefined;
  /** SQLite and MySQL: table name prefix. */
  readonly tablePrefix?: string | undefined;
}

/** A store the CLI opened; `close` closes its client, after the store itself. */
export interface OpenedStore {
  readonly store: SessionStore;
  /** Brings the store's tables up to date and says what it did, in one sentence. */
  migrate(): Promise<string>;
  close(): Promise<void>;
}
