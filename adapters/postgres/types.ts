// The shapes of `pg` 8 and postgres.js 3.4 the store uses, written out so importing this adapter loads neither.

/** A query as the store sends it through `pg`. */
export interface PostgresQueryConfig {
  /** SQL with `$1`-style placeholders. */
  readonly text: string;
  /** The driver's own `values` property. */ readonly values?: unknown[];
  /** Set (a hash of the text) unless `preparedStatements: false`: each connection prepares it once. */
  readonly name?: string;
  /** Every column as text, parsed by the store: an app's global type parsers never change what it reads. */
  readonly types?: {
    /** The driver's own `getTypeParser` method. */
    getTypeParser(oid: number, format?: string): (value: string) => unknown;
  };
}

/** What a `pg` query resolves to; only these fields are read. */
export interface PostgresQueryResult {
  /** The rows. */ readonly rows: readonly unknown[];
  /** The rows changed. */ readonly rowCount: number | null;
}

/** A LISTEN/NOTIFY message, as `pg` emits it. */
export interface PostgresNotification {
  /** The driver's own `channel` property. */ readonly channel: string;
  /** `u:<user id>` or `t:<tenant id>`. */ readonly payload?: string | undefined;
}

/** A client checked out of a `pg.Pool`. */
export interface PostgresPoolClient {
  /** The driver's own `query` method. */ query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  /** Gives the client back; with an error (or `true`) the pool closes it instead. */
  release(error?: Error | boolean): void;
  /** The driver's own `on` method. */ on(event: 'error', listener: (error: Error) => void): unknown;
  /** The driver's own `on` method. */ on(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  /** The driver's own `on` method. */ on(event: 'end', listener: () => void): unknown;
  /** The driver's own `removeListener` method. */ removeListener(event: 'error', listener: (error: Error) => void): unknown;
  /** The driver's own `removeListener` method. */ removeListener(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  /** The driver's own `removeListener` method. */ removeListener(event: 'end', listener: () => void): unknown;
  /** The server process serving this client: a statement past its deadline is cancelled by it. */
  readonly processID?: number | null | undefined;
}

/** The app's `pg.Pool` (anything with its `connect`). The store never ends it. */
export interface PostgresPool {
  /** The driver's own `connect` method. */ connect(): Promise<PostgresPoolClient>;
}

/** A postgres.js client (`postgres(url)`); results are read raw and parsed by the store. */
export interface PostgresJsSql {
  /** A statement with `$1`-style placeholders; `prepare` names it on the connection. */
  unsafe(text: string, values?: unknown[], options?: { prepare?: boolean }): PostgresJsQuery;
  /** Checks one connection out until `release()`. */
  reserve(): Promise<PostgresJsReservedSql>;
  /** LISTENs on a connection of its own; `onlisten` runs each time LISTEN is (re)established. */
  listen(channel: string, onnotify: (payload: string) => void, onlisten?: () => void): Promise<PostgresJsListening>;
  /** The client's options: the store refuses a client whose `transform` renames columns or rows, or made with `fetch_types: false`. */
  readonly options?: unknown;
}

/** What postgres.js `listen` resolves to. */
export interface PostgresJsListening {
  /** The driver's own `unlisten` method. */ unlisten(): Promise<unknown>;
}

/** A connection reserved out of a postgres.js client. */
export interface PostgresJsReservedSql {
  /** The driver's own `unsafe` method. */ unsafe(text: string, values?: unknown[], options?: { prepare?: boolean }): PostgresJsQuery;
  /** The driver's own `release` method. */ release(): void;
}

/** A pending postgres.js query. */
export interface PostgresJsQuery extends PromiseLike<unknown> {
  /** Rows as arrays of the server's text bytes, untouched by type parsers. */
  raw(): PromiseLike<PostgresJsRawResult>;
  /** Asks the server to cancel the statement (a protocol cancel request, which poolers forward). */
  cancel(): unknown;
}

/** A column of a postgres.js result; only the name is read. */
export interface PostgresJsColumn {
  /** The column's name. */ readonly name: string;
}

/** What a raw postgres.js query resolves to. */
export interface PostgresJsRawResult extends ReadonlyArray<ReadonlyArray<Uint8Array | null>> {
  /** The driver's own `columns` property. */ readonly columns?: ReadonlyArray<PostgresJsColumn> | null;
  /** The driver's own `count` property. */ readonly count: number | null;
}
