import { createHash } from 'node:crypto';
import { SessionError } from '../../src/errors.js';

// Lower-case letters, digits and underscores only: the names work quoted (as the store always
// writes them) and unquoted (as a DBA types them in psql), with no case-folding surprise.
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/**
 * Longest table name: the derived names (`<table>_activity_tenant_idx`, `<table>_tenant_epochs_pkey`)
 * must fit in 63 bytes.
 */
const MAX_TABLE_LENGTH = 40;
/** PostgreSQL truncates identifiers (and refuses NOTIFY channels) longer than this. */
const MAX_IDENTIFIER_LENGTH = 63;

/** The schema the tables live in unless the options name another. */
export const DEFAULT_SCHEMA = 'session_revocation';
/** The sessions table name unless the options name another. */
export const DEFAULT_TABLE = 'sessions';

/** Every name the store's SQL uses, validated and quoted once. */
export interface TableNames {
  readonly schema: string;
  readonly table: string;
  /** Quoted and schema-qualified table names. */
  readonly sessions: string;
  readonly epochs: string;
  readonly denied: string;
  readonly tenantEpochs: string;
  readonly activity: string;
  readonly devices: string;
  readonly links: string;
  /** Quoted index names (an index lives in its table's schema). */
  readonly userKindIndex: string;
  readonly expiresIndex: string;
  readonly deniedUntilIndex: string;
  readonly activityUserIndex: string;
  readonly activityTenantIndex: string;
  readonly activityAtIndex: string;
  readonly devicesSeenIndex: string;
  readonly linksUserIndex: string;
  readonly linksExpiresIndex: string;
  /** Quoted and schema-qualified name of the sign-in function `migrate()` installs. */
  readonly createFunction: string;
  /** The LISTEN/NOTIFY channel, unquoted: `<schema>.<table>`. */
  readonly channel: string;
  /** Advisory lock key (a bigint, as text) held by the instance that prunes these tables. */
  readonly pruneLockKey: string;
}

/** Quotes an identifier for SQL text. Names are validated first; the quoting is belt and braces. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A stable 64-bit advisory lock key for a purpose, as decimal text for a `$1::bigint` parameter. */
export function advisoryLockKey(purpose: string): string {
  const digest = createHash('sha256').update(`session-revocation:${purpose}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Validates the schema and table names and derives every other name from them.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a name that is not a plain lower-case identifier.
 */
export function tableNames(schema: string, table: string): TableNames {
  checkIdentifier('schema', schema, MAX_IDENTIFIER_LENGTH);
  checkIdentifier('table', table, MAX_TABLE_LENGTH);
  if (schema.startsWith('pg_')) throw invalidName('schema names starting with "pg_" are reserved by PostgreSQL');
  const channel = `${schema}.${table}`;
  if (channel.length > MAX_IDENTIFIER_LENGTH) {
    throw invalidName(`"${channel}" is the notification channel and must be at most ${MAX_IDENTIFIER_LENGTH} characters; use shorter names`);
  }
  const qualified = (name: string): string => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  return {
    schema,
    table,
    sessions: qualified(table),
    epochs: qualified(`${table}_epochs`),
    denied: qualified(`${table}_denied`),
    tenantEpochs: qualified(`${table}_tenant_epochs`),
    activity: qualified(`${table}_activity`),
    devices: qualified(`${table}_devices`),
    links: qualified(`${table}_links`),
    userKindIndex: quoteIdentifier(`${table}_user_kind_idx`),
    expiresIndex: quoteIdentifier(`${table}_expires_at_idx`),
    deniedUntilIndex: quoteIdentifier(`${table}_denied_until_idx`),
    activityUserIndex: quoteIdentifier(`${table}_activity_user_idx`),
    activityTenantIndex: quoteIdentifier(`${table}_activity_tenant_idx`),
    activityAtIndex: quoteIdentifier(`${table}_activity_at_idx`),
    devicesSeenIndex: quoteIdentifier(`${table}_devices_seen_idx`),
    linksUserIndex: quoteIdentifier(`${table}_links_user_idx`),
    linksExpiresIndex: quoteIdentifier(`${table}_links_expires_idx`),
    createFunction: qualified(`${table}_create_session`),
    channel,
    pruneLockKey: advisoryLockKey(`prune:${channel}`),
  };
}

function checkIdentifier(label: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.length > maxLength || !IDENTIFIER.test(value)) {
    throw invalidName(`${label} must be 1-${maxLength} characters of a-z, 0-9 and _, not starting with a digit (got ${JSON.stringify(value)})`);
  }
}

function invalidName(message: string): SessionError {
  return new SessionError('INVALID_CONFIGURATION', `postgresStore: ${message}.`);
}
