import { createHash } from 'node:crypto';
import { isSessionError } from '../../src/errors.js';
import { getOrAdd } from '../../src/get-or-add.js';
import type { PoolDialect, PoolStatement, Row } from '../sql/index.js';
import { isGone, sqlState, toSessionError } from './errors.js';
import type { PostgresPool, PostgresPoolClient } from './types.js';

// Every column arrives as text: an app's global type parsers must not change what the store reads.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

// A checked-out client, and whether it reported a connection error or its end while checked out.
type Held = { readonly client: PostgresPoolClient; lost: boolean; readonly onLost: () => void };

/** PostgreSQL's side of the shared pool runner: named statements, a server-side deadline, cancel by process id. */
export function postgresPool(pool: PostgresPool, preparedStatements: boolean): PoolDialect<Held> {
  // One pool may serve stores of several schemas: a prepared statement's name is its text's hash.
  const names = new Map<string, string>();
  const named = ({ name, text }: PoolStatement): string | undefined => {
    if (!preparedStatements || name === undefined) return undefined;
    const operation = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    return getOrAdd(names, text, () => `session_revocation_${operation}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`);
  };
  return {
    database: 'PostgreSQL',
    async connect() {
      const client = await pool.connect();
      const held: Held = { client, lost: false, onLost: () => void (held.lost = true) };
      client.on('error', held.onLost);
      client.on('end', held.onLost);
      return held;
    },
    async query({ client }, statement, values) {
      const result = await client.query({ text: statement.text, name: named(statement), values: [...values], types: TEXT_TYPES });
      return { rows: result.rows as readonly Row[], count: result.rowCount ?? 0 };
    },
    release({ client, onLost }, destroy) {
      client.removeListener('error', onLost);
      client.removeListener('end', onLost);
      client.release(destroy || undefined);
    },
    lost: (held) => held.lost,
    gone: isGone,
    identity: (held) => held.client,
    // A plain SQL error leaves the connection usable; one without SQLSTATE, a lost connection, or a FATAL one (the severity is translated) retires it.
    breaks: (error) => !isSessionError(error) && (sqlState(error) === undefined || isGone(error) || ['FATAL', 'PANIC'].includes(String((error as { severity?: unknown }).severity))),
    // One round trip: a simple query may hold several statements; the timeout is a checked integer.
    begin: (timeoutMs) => [timeoutMs === null ? 'BEGIN' : `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}`],
    // Behind a pooler a client's process id is the pooler's: cancelling it could hit a stranger.
    stop: preparedStatements ? { sql: 'SELECT pg_cancel_backend($1)', id: ({ client }) => client.processID, idle: false } : undefined,
    toSessionError,
  };
}
