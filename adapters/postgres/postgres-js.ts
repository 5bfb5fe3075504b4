import { settledWithin } from '../../src/settled-within.js';
import type { PostgresJsQuery, PostgresJsRawResult, PostgresJsSql, PostgresPool, PostgresPoolClient, PostgresQueryConfig, PostgresQueryResult } from './types.js';

/** A postgres.js client as a `pg` pool: `connect()` reserves a connection, rows are read raw (text), names prepare. */
export function postgresJsPool(sql: PostgresJsSql): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const reserved = await sql.reserve();
      const pending = new Set<PostgresJsQuery>();
      let released = false;
      let closed = false;
      const client: PostgresPoolClient = {
        async query(config: PostgresQueryConfig): Promise<PostgresQueryResult> {
          // postgres.js writes a statement for a closed reserved connection to no socket, and throws where no one can catch it.
          if (closed) throw Object.assign(new Error('The connection was closed.'), { code: 'CONNECTION_CLOSED' });
          const query = reserved.unsafe(config.text, (config.values ?? []).map(toParameter), { prepare: config.name !== undefined });
          pending.add(query);
          try {
            const result = await query.raw();
            return { rows: toRows(result), rowCount: typeof result.count === 'number' ? result.count : null };
          } catch (error) {
            if (!closed && isClosedBy(error)) {
              closed = true;
              // The server's late FATAL goes to postgres.js's next request; a reservation that gets it is never answered: this statement takes it.
              Promise.resolve(sql.unsafe('SELECT 1')).catch(() => undefined);
            }
            throw error;
          } finally {
            pending.delete(query);
          }
        },
        release(destroy?: Error | boolean) {
          // A connection that closed is back in postgres.js's own pool already: handed back again, it would be given out closed.
          if (released || closed) return;
          released = true;
          if (destroy === undefined || destroy === false) {
            reserved.release();
            return;
          }
          // postgres.js cannot close one connection of its pool: cancel, roll back, then hand it back.
          const running = [...pending];
          const release = (): void => reserved.release();
          void Promise.allSettled([...running, settledWithin(Promise.allSettled(running.map(cancelRequest)), CANCEL_WAIT_MS)])
            .then(() => reserved.unsafe('ROLLBACK'))
            .then(release, release);
        },
        // postgres.js reports a lost connection by rejecting the query that was using it.
        on: () => client,
        removeListener: () => client,
        processID: undefined,
      };
      return client;
    },
  };
}

// The errors after which postgres.js has closed the connection: its own (`CONNECTION_CLOSED`, ...) and the socket's (`ECONNRESET`, `EPIPE`, ...).
function isClosedBy(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && (code.startsWith('CONNECTION_') || typeof syscall === 'string');
}

// A cancel request may never report (postgres.js loses its promise on TLS): the connection goes back anyway after this.
const CANCEL_WAIT_MS = 2_000;

// Resolves once the server took the cancel request: `query.cancel()` drops that promise, its `canceller` returns it.
function cancelRequest(query: PostgresJsQuery): Promise<unknown> {
  const { canceller } = query as { canceller?: unknown };
  return Promise.resolve(typeof canceller === 'function' ? canceller(query) : query.cancel());
}

/** Rows of a raw result as the store reads them: column name to text (or null). */
function toRows(result: PostgresJsRawResult): Record<string, string | null>[] {
  const columns = result.columns;
  // A statement without a result set (UPDATE without RETURNING, BEGIN) has no columns.
  if (columns === null || columns === undefined || !Array.isArray(result)) return [];
  const text = (value: Uint8Array | null | undefined): string | null => (value == null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  return result.map((values) => Object.fromEntries(columns.map((column, index) => [column.name, text(values[index])])));
}

/** A parameter as text, which the server parses by the statement's own types. */
const toParameter = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
