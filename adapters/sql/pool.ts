import { SessionError } from '../../src/errors.js';
import type { SqlValue } from './records.js';
import type { Statement } from './statements.js';
import type { SqlConnection, SqlDriver, SqlResult } from './store.js';

/** A statement as a pool dialect gets it: the store's are named (a driver may prepare them), the runner's own are not. */
export type PoolStatement = Pick<Statement, 'text'> & Partial<Statement>;

/** One checked-out connection, for the length of one store operation; it also runs plain text. */
export interface PooledConnection extends SqlConnection {
  run(statement: PoolStatement | string, values?: readonly SqlValue[]): Promise<SqlResult>;
  /** Runs `body` in a transaction (the dialect's BEGIN), COMMIT after, ROLLBACK on a rejection. */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /** Runs `body`, one call of a routine that opens and commits its own transaction: ROLLBACK on a rejection, whatever it left open. */
  routine<T>(body: () => Promise<T>): Promise<T>;
  /** Rolls back a transaction a script opened itself; a connection that cannot is retired. */
  rollback(): Promise<unknown>;
}

/** Runs `work` on a pooled connection; past `timeoutMs` (`null`: none) rejects, closes the connection and stops its server process. */
export type Run = <T>(operation: string, work: (connection: PooledConnection) => Promise<T>, timeoutMs?: number | null) => Promise<T>;

/** What the PostgreSQL and MySQL pools differ in; the checkout, deadline and settling are {@link poolRunner}'s. */
export interface PoolDialect<C> {
  /** The database's name in messages: `PostgreSQL`, `MySQL`. */
  readonly database: string;
  /** Checks a client out of the app's pool. */
  connect(): Promise<C>;
  /** Runs one statement on a client. */
  query(client: C, statement: PoolStatement, values: readonly SqlValue[]): Promise<SqlResult>;
  /** Gives a client back, or closes it (`destroy`). */
  release(client: C, destroy: boolean): void;
  /** Whether a failed statement left the connection unfit for the next operation. */
  breaks(error: unknown): boolean;
  /** Whether a statement failed because its connection was lost (the server ended it, the socket closed), not by what it ran. */
  gone(error: unknown): boolean;
  /** The physical connection behind a client, to tell one that served an earlier call from one opened for this call. */
  identity(client: C): object;
  /** Whether the client reported its connection lost while checked out. */
  lost?(client: C): boolean;
  /** The statements opening a transaction whose statements stop at `timeoutMs`. */
  begin(timeoutMs: number | null): readonly string[];
  /** Whether a failed transaction (or routine) was rolled back whole by a lock conflict and may run once more. */
  retry?(error: unknown): boolean;
  /** Past a deadline: the statement stopping the client's server process (its id bound), also when no statement was running (`idle`). */
  readonly stop?: { readonly sql: string; id(client: C): number | null | undefined; readonly idle: boolean };
  /** Checks a client before its first operation. */
  prepare?(client: C, connection: PooledConnection): Promise<void>;
  /** A failure as the contract's error; `unavailable` when connecting failed or the connection was lost. */
  toSessionError(error: unknown, operation: string, unavailable: boolean): SessionError;
}

/** A store's runner on a pool: `run` and the store's `use` (whose work outside a transaction must be idempotent), both refused (`CLOSED`) after `close`. */
export function poolRunner<C>(d: PoolDialect<C>, defaultTimeoutMs: number): { run: Run; use: SqlDriver['use']; close(): void } {
  let closed = false;
  // Connections given back healthy: the server may have ended one since, while the pool held it idle.
  const served = new WeakSet<object>();
  const attempt = <T>(operation: string, work: (connection: PooledConnection) => Promise<T>, timeoutMs: number | null = defaultTimeoutMs, idempotent = false): Promise<T> =>
    new Promise((resolve, reject) => {
      let client: C | undefined;
      let settled = false;
      let broken = false;
      let inFlight = 0;
      const expire = (): void => {
        if (settled) return;
        settled = true;
        if (client !== undefined) {
          const id = d.stop?.id(client);
          const busy = inFlight > 0;
          d.release(client, true);
          // Best effort, after the caller has its answer: frees the server process and its locks.
          if (d.stop !== undefined && typeof id === 'number' && (busy || d.stop.idle)) attempt('stop', (c) => c.run(d.stop!.sql, [id])).catch(() => undefined);
        }
        reject(new SessionError('STORE_UNAVAILABLE', `${d.database} session store did not answer ${operation} within ${timeoutMs!} ms.`));
      };
      const timer = timeoutMs === null ? undefined : setTimeout(expire, timeoutMs);
      const settle = (destroy: boolean, outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (client !== undefined && !destroy) served.add(d.identity(client));
        if (client !== undefined) d.release(client, destroy);
        outcome();
      };

      const send: PooledConnection['run'] = async (statement, values = []) => {
        // Once answered (past the deadline, the connection given back) the work may go on, but nothing more of it reaches the connection.
        if (settled) throw new SessionError('STORE_UNAVAILABLE', `The ${d.database} session store already answered ${operation}: its connection takes no more statements.`);
        inFlight += 1;
        try {
          return await d.query(client!, typeof statement === 'string' ? { text: statement } : statement, values);
        } catch (error) {
          if (d.breaks(error)) broken = true;
          throw error;
        } finally {
          inFlight -= 1;
        }
      };
      // A connection that cannot roll back an aborted transaction must not go back to the pool.
      const rollback = (): Promise<unknown> => send('ROLLBACK').catch(() => (broken = true));
      const alone = async <T>(body: () => Promise<T>): Promise<T> => {
        try {
          return await body();
        } catch (error) {
          await rollback();
          throw error;
        }
      };
      const once = async <T>(body: () => Promise<T>): Promise<T> => {
        try {
          for (const text of d.begin(timeoutMs)) await send(text);
        } catch (error) {
          // A transaction half begun (or a level set for one never started) would reach the app's next one.
          broken = true;
          throw error;
        }
        return alone(async () => {
          const result = await body();
          await send('COMMIT');
          return result;
        });
      };
      // Once more only on a connection that rolled the first attempt back.
      const again =
        (attempt: <T>(body: () => Promise<T>) => Promise<T>) =>
        <T>(body: () => Promise<T>): Promise<T> =>
          attempt(body).catch((error: unknown) => (d.retry?.(error) === true && !broken ? attempt(body) : Promise.reject(error)));
      const connection: PooledConnection = { run: send, rollback, transaction: again(once), routine: again(alone) };

      const start = (first: boolean): void =>
        void d.connect().then(
          async (checkedOut) => {
            // The deadline passed while waiting for the pool: give the healthy client back unused.
            if (settled) return d.release(checkedOut, false);
            client = checkedOut;
            broken = false;
            try {
              await d.prepare?.(checkedOut, connection);
              const value = await work(connection);
              settle(broken, () => resolve(value));
            } catch (error) {
              const lost = d.lost?.(checkedOut) === true;
              // A pool learns that the server ended an idle connection only by using it (and may hold several): idempotent work goes again on
              // another while the lost one had served before, and once for one opened for it; always within the deadline.
              if (idempotent && (lost || d.gone(error)) && !settled && (first || served.has(d.identity(checkedOut)))) {
                d.release(checkedOut, true);
                client = undefined;
                return start(false);
              }
              settle(broken || lost, () => reject(d.toSessionError(error, operation, lost)));
            }
          },
          (error: unknown) => settle(false, () => reject(d.toSessionError(error, operation, true))),
        );
      start(true);
    });
  const guarded =
    (idempotent: boolean): Run =>
    async (operation, work, timeoutMs) => {
      if (closed) throw new SessionError('CLOSED', `The ${d.database} session store was closed.`);
      return attempt(operation, work, timeoutMs, idempotent);
    };
  const [run, runIdempotent] = [guarded(false), guarded(true)];
  return {
    run,
    use: (operation, transaction, work) => (transaction ? run(operation, (c) => c.transaction(() => work(c))) : runIdempotent(operation, work)),
    close: () => void (closed = true),
  };
}
