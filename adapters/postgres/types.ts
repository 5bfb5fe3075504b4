/**
 * The few shapes of node-postgres (`pg` 8) the store relies on, written out so that importing
 * this adapter never loads `pg` and its declarations are not needed to type-check an app.
 * `new pg.Pool(...)` and the clients it hands out fit them as they are.
 */

/** A query as the store sends it: parameterised, a named (prepared) statement unless `preparedStatements: false`. */
export interface PostgresQueryConfig {
  /** The SQL text with `$1`-style placeholders. */
  readonly text: string;
  /** The placeholder values. */
  readonly values?: unknown[];
  /** Set for the store's hot statements, so each connection parses and plans them once. */
  readonly name?: string;
  /**
   * The store reads every column as text and parses it itself, so an app's global type
   * parsers (bigint as BigInt, custom JSON parsing) never change what the store sees.
   */
  readonly types?: {
    /** Returns the parser of one column type. */
    getTypeParser(oid: number, format?: string): (value: string) => unknown;
  };
}

/** What a query resolves to; only these fields are read. */
export interface PostgresQueryResult {
  /** The rows returned. */
  readonly rows: readonly unknown[];
  /** Rows affected (or returned). */
  readonly rowCount: number | null;
}

/** A LISTEN/NOTIFY message, as `pg` emits it on the `notification` event. */
export interface PostgresNotification {
  /** The channel notified. */
  readonly channel: string;
  /** The payload: the user id whose sessions were revoked, or a tenant's notice (JSON). */
  readonly payload?: string | undefined;
}

/** A client checked out of the pool (`pg.PoolClient`). */
export interface PostgresPoolClient {
  /** Runs one statement. */
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  /** Returns the client to the pool; with an error (or `true`) the pool closes it instead. */
  release(error?: Error | boolean): void;
  /** A connection error (the LISTEN client reconnects). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** A NOTIFY on a channel this client LISTENs to. */
  on(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  /** The connection ended. */
  on(event: 'end', listener: () => void): unknown;
  /** Removes an `error` listener. */
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  /** Removes a `notification` listener. */
  removeListener(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  /** Removes an `end` listener. */
  removeListener(event: 'end', listener: () => void): unknown;
  /** The server process serving this client (`pg` sets it); used to cancel a statement past its deadline. */
  readonly processID?: number | null | undefined;
}

/**
 * The app's connection pool: `new pg.Pool(...)` (or anything with the same `connect`). The
 * store checks a client out for each operation and gives it back; it never ends the pool.
 */
export interface PostgresPool {
  /** Checks a client out of the pool. */
  connect(): Promise<PostgresPoolClient>;
}

/**
 * The few shapes of a postgres.js (`postgres` 3.4) client the store relies on. The function
 * `postgres(url)` returns fits it as it is; the store reads results in raw form and parses
 * every column itself, so the client's own type parsers never change what it sees.
 */
export interface PostgresJsSql {
  /** Runs a statement with `$1`-style placeholders; `prepare` names it on the connection. */
  unsafe(text: string, values?: unknown[], options?: { prepare?: boolean }): PostgresJsQuery;
  /** Checks one connection out until `release()`. */
  reserve(): Promise<PostgresJsReservedSql>;
  /**
   * LISTENs on a dedicated connection; `onlisten` runs each time LISTEN is (re)established,
   * as postgres.js reconnects by itself.
   */
  listen(channel: string, onnotify: (payload: string) => void, onlisten?: () => void): Promise<PostgresJsListening>;
}

/** What postgres.js `listen` resolves to. */
export interface PostgresJsListening {
  /** Stops this listener; postgres.js UNLISTENs once a channel has no listener left. */
  unlisten(): Promise<unknown>;
}

/** A connection reserved out of a postgres.js client (`await sql.reserve()`). */
export interface PostgresJsReservedSql {
  /** Runs a statement on this connection. */
  unsafe(text: string, values?: unknown[], options?: { prepare?: boolean }): PostgresJsQuery;
  /** Gives the connection back to the client's pool. */
  release(): void;
}

/** A pending postgres.js query: a promise that can be switched to raw rows and cancelled. */
export interface PostgresJsQuery extends PromiseLike<unknown> {
  /** Rows as arrays of the server's bytes (text format), untouched by type parsers. */
  raw(): PromiseLike<PostgresJsRawResult>;
  /** Asks the server to cancel the statement (a protocol cancel request, which poolers forward). */
  cancel(): unknown;
}

/** A column of a postgres.js result; only the name is read. */
export interface PostgresJsColumn {
  /** The column's name (its alias in the statement). */
  readonly name: string;
}

/** What a raw postgres.js query resolves to; only these fields are read. */
export interface PostgresJsRawResult extends ReadonlyArray<ReadonlyArray<Uint8Array | null>> {
  /** The columns of the rows, in order. */
  readonly columns?: ReadonlyArray<PostgresJsColumn> | null;
  /** Rows affected (or returned). */
  readonly count: number | null;
}
