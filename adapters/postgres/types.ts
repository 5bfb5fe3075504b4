/**
 * The few shapes of node-postgres (`pg` 8) the store relies on, written out so that importing
 * this adapter never loads `pg` and its declarations are not needed to type-check an app.
 * `new pg.Pool(...)` and the clients it hands out fit them as they are.
 */

/** A query as the store sends it: parameterised, optionally a named (prepared) statement. */
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
  /** The payload: the user id whose sessions were revoked. */
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
