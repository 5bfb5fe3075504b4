import { createHash } from 'node:crypto';
import { SessionError } from '../../src/errors.js';
import type { Names } from '../sql/index.js';

/** The schema the tables live in unless the options name another. */
export const DEFAULT_SCHEMA = 'session_revocation';
/** The sessions table unless the options name another; the others are `<table>_<name>`. */
export const DEFAULT_TABLE = 'sessions';

/** Every name the store's SQL uses, checked and quoted once. */
export interface TableNames extends Names {
  readonly schema: string;
  /** The sessions table's own name, unquoted. */
  readonly sessions: string;
  /** The LISTEN/NOTIFY channel, unquoted: `<schema>.<table>`. */
  readonly channel: string;
}

/** Quotes an identifier for SQL text (names are checked first: belt and braces). */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A stable 64-bit advisory lock key for a purpose, as decimal text. */
export const advisoryLockKey = (purpose: string): string => createHash('sha256').update(`session-revocation:${purpose}`).digest().readBigInt64BE(0).toString();

/** Checks the names (lower case, so quoted and unquoted alike) and derives the others; a table of up to 40 characters keeps `<table>_activity_tenant_idx` within 63. */
export function tableNames(schema: string, table: string): TableNames {
  check('schema', schema, 63);
  check('table', table, 40);
  if (schema.startsWith('pg_')) throw invalid('schema names starting with "pg_" are reserved by PostgreSQL');
  const channel = `${schema}.${table}`;
  if (channel.length > 63) throw invalid(`"${channel}" is the notification channel and must be at most 63 characters; use shorter names`);
  const own = (name: string): string => (name === 'sessions' ? table : `${table}_${name}`);
  return {
    schema,
    sessions: table,
    channel,
    table: (name) => `${quoteIdentifier(schema)}.${quoteIdentifier(own(name))}`,
    // `activity_tenant` -> "<table>_activity_tenant_idx"; an index lives in its table's schema.
    index: (name) => quoteIdentifier(`${own(name.slice(0, name.indexOf('_')))}${name.slice(name.indexOf('_'))}_idx`),
  };
}

function check(label: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.length > maxLength || !/^[a-z_][a-z0-9_]*$/.test(value)) {
    throw invalid(`${label} must be 1-${maxLength} characters of a-z, 0-9 and _, not starting with a digit (got ${JSON.stringify(value)})`);
  }
}

const invalid = (message: string): SessionError => new SessionError('INVALID_CONFIGURATION', `postgresStore: ${message}.`);
