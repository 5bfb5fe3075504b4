// The shapes of `mysql2/promise` 3.x the store uses, written out so importing this adapter never loads mysql2.

/** A statement as the store sends it, with its own way of reading rows whatever the pool's options say. */
export interface MysqlStatement {
  /** The SQL text (`?` placeholders for a prepared statement). */
  readonly sql: string;
  /** How the store reads each column. */
  readonly typeCast: MysqlTypeCast;
  /** Rows as objects keyed by column name. */
  readonly rowsAsArray: false;
  /** Column names unqualified. */
  readonly nestTables: false;
}

/** A value the store binds: text as its UTF-8 bytes, numbers, NULL. */
export type MysqlValue = Buffer | number | null;

/** mysql2's per-column hook: `buffer()` reads a string column's raw bytes, `next()` the driver's default. */
export type MysqlTypeCast = (field: MysqlField, next: () => unknown) => unknown;

/** The column a {@link MysqlTypeCast} is asked about. */
export interface MysqlField {
  /** The column type's name, e.g. `VAR_STRING`, `BLOB`, `LONGLONG`. */
  readonly type: string;
  /** The column's bytes (string and binary columns), or `null` for NULL. */
  buffer(): Buffer | null;
}

/** A connection checked out of the pool (`PoolConnection` of `mysql2/promise`). */
export interface MysqlPoolConnection {
  /** Runs a statement, its values written into it by the client (text as hex literals); resolves to `[rows or result header, fields]` (a `CALL`: `[[...result sets, header], fields]`). */
  query(statement: MysqlStatement, values: MysqlValue[]): Promise<readonly [unknown, unknown]>;
  /** Gives the connection back to the pool. */
  release(): void;
  /** Closes the socket at once; the pool opens another in its place. */
  destroy(): void;
  /** The server's id of this connection (`CONNECTION_ID()`), for `KILL` past a deadline. */
  readonly threadId: number | null;
  /** mysql2's physical connection behind this wrapper (a new wrapper each `getConnection()`): checked once. */
  readonly connection?: object;
}

/** The app's pool: `mysql.createPool(...)` from `mysql2/promise`. The store never ends it. */
export interface MysqlPool {
  /** Checks a connection out of the pool. */
  getConnection(): Promise<MysqlPoolConnection>;
}
