import type { Dialect, TableName } from './dialect.js';

/** One statement: a stable name (drivers may prepare it under it) and its text in the dialect. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Quoted (and prefixed, schema-qualified) names of a store's tables and indexes. */
export interface Names {
  table(name: TableName): string;
  index(name: string): string;
}

// Every table with its columns (`?` marks a nullable one), primary key and indexes. Times are ms.
const TABLES: ReadonlyArray<readonly [TableName, string, string, Readonly<Record<string, string>>]> = [
  [
    'sessions',
    'id id, user_id id, tenant_id id?, kind short, expires_at ms, last_used_at ms, authenticated_at ms, revoked_at ms?, revoked_reason id?, record json',
    'id',
    { user: 'user_id', expires: 'expires_at' },
  ],
  ['owners', 'scope short, owner id, version ms', 'scope, owner', {}],
  ['epochs', 'scope short, owner id, kind short, epoch ms', 'scope, owner, kind', {}],
  ['high_water', 'scope short, owner id, kind short, at ms', 'scope, owner, kind', {}],
  ['denied', 'user_id id, session_id id, until ms', 'user_id, session_id', { until: 'until' }],
  ['devices', 'user_id id, device_hash short, last_seen_at ms', 'user_id, device_hash', { seen: 'last_seen_at' }],
  ['activity', 'id short, user_id id?, tenant_id id?, at ms, entry json', 'id', { user: 'user_id, id', tenant: 'tenant_id, id', at: 'at' }],
  ['keys', 'id short, value json, expires_at ms, user_id id?, version ms', 'id', { user: 'user_id', expires: 'expires_at' }],
];

/** The version of the tables every SQL store reads and writes; each store records it its own way. */
export const SCHEMA_VERSION = 1;

/** The name of every table, in creation order. */
export const TABLE_NAMES: readonly TableName[] = TABLES.map(([name]) => name);

/** The idempotent statements creating every table and index: the body of each store's migration. */
export function tableStatements(d: Dialect, n: Names): string[] {
  const statements: string[] = [];
  for (const [name, columns, key, indexes] of TABLES) {
    const table = n.table(name);
    const defs = columns.split(', ').map((column) => {
      const [field, type] = column.split(' ') as [string, string];
      const nullable = type.endsWith('?');
      return `${field} ${d.types[type.replace('?', '') as keyof Dialect['types']]}${nullable ? ' NULL' : ' NOT NULL'}`;
    });
    const named = Object.entries(indexes).map(([suffix, on]) => [n.index(`${name}_${suffix}`), on] as const);
    if (d.inlineIndexes) defs.push(...named.map(([index, on]) => `INDEX ${index} (${on})`));
    statements.push(`CREATE TABLE IF NOT EXISTS ${table} (${defs.join(', ')}, PRIMARY KEY (${key}))${d.tableOptions}`);
    if (!d.inlineIndexes) statements.push(...named.map(([index, on]) => `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${on})`));
  }
  // A table of the same name with another shape fails here rather than at its first use.
  const shapes = TABLES.map(([name, columns], i) => `(SELECT ${columns.replace(/ \w+\??(,|$)/g, '$1')} FROM ${n.table(name)} LIMIT 0) t${i}`);
  return [...statements, `SELECT 1 FROM ${shapes.join(', ')}`];
}

// The columns a session is read with, in `get` and `readUser` alike (one decoder).
const session = (p = ''): string =>
  `${p}id AS a, ${p}tenant_id AS b, ${p}kind AS c, ${p}revoked_reason AS d, ${p}expires_at AS n1, ${p}last_used_at AS n2, ${p}authenticated_at AS n3, ${p}revoked_at AS n4, ${p}record`;

const SESSION_COLUMNS = ['id', 'user_id', 'tenant_id', 'kind', 'expires_at', 'last_used_at', 'authenticated_at', 'revoked_at', 'revoked_reason', 'record'];

/** Every statement of the store, in one dialect, over one set of tables. */
export function sqlStatements(d: Dialect, n: Names) {
  const [S, O, E, H, D, V, A, K] = TABLE_NAMES.map((name) => n.table(name)) as [string, string, string, string, string, string, string, string];
  const G = d.greatest;
  // At most `limit` rows past a time, oldest first (values: time, limit, time); tested again outside, so a row renewed meanwhile stays.
  const prune = (table: string, key: string, at: string): string =>
    d.joinedDelete
      ? `DELETE x FROM ${table} x JOIN (SELECT ${key} FROM ${table} WHERE ${at} <= ? ORDER BY ${at} LIMIT ?) p USING (${key}) WHERE x.${at} <= ?`
      : `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${at} <= ? ORDER BY ${at} LIMIT ?) AND ${at} <= ?`;
  // Every row of the user, or (`row`: ' AND id = ?') one: the tenants' epochs follow the rows read.
  const readUser = (row: string): string => `SELECT 's' AS part, ${session()} FROM ${S} WHERE user_id = ?${row}
      UNION ALL SELECT 'v', NULL, NULL, NULL, NULL, version, NULL, NULL, NULL, NULL FROM ${O} WHERE scope = 'u' AND owner = ?
      UNION ALL SELECT scope, owner, kind, NULL, NULL, epoch, NULL, NULL, NULL, NULL FROM ${E}
        WHERE (scope = 'u' AND owner = ?) OR (scope = 't' AND (owner = ? OR owner IN (SELECT tenant_id FROM ${S} WHERE user_id = ?${row})))
      UNION ALL SELECT 'd', session_id, NULL, NULL, NULL, until, NULL, NULL, NULL, NULL FROM ${D} WHERE user_id = ?
      UNION ALL SELECT 'h', device_hash, NULL, NULL, NULL, last_seen_at, NULL, NULL, NULL, NULL FROM ${V} WHERE user_id = ?
      UNION ALL SELECT 'w', owner, kind, NULL, NULL, at, NULL, NULL, NULL, NULL FROM ${H} WHERE scope = 'u' AND owner = ?`;
  const text = {
    get: `SELECT s.user_id AS u, ${session('s.')}, e.scope AS part, e.kind AS ek, e.epoch AS en FROM ${S} s
      LEFT JOIN ${E} e ON (e.scope = 'u' AND e.owner = s.user_id) OR (e.scope = 't' AND e.owner = s.tenant_id) WHERE s.id = ?`,
    // One statement, so one snapshot: the version is never newer than the rows.
    readUser: readUser(''),
    readUserRow: readUser(' AND id = ?'),
    readTenant: `SELECT 'v' AS part, NULL AS a, version AS n1 FROM ${O} WHERE scope = 't' AND owner = ?
      UNION ALL SELECT 't', kind, epoch FROM ${E} WHERE scope = 't' AND owner = ?
      UNION ALL SELECT 'w', kind, at FROM ${H} WHERE scope = 't' AND owner = ?`,
    readKey: `SELECT value, expires_at, version FROM ${K} WHERE id = ?`,
    // Owner versions: bumped in place when they hold; a first batch inserts the row.
    bump: `UPDATE ${O} SET version = version + 1 WHERE scope = ? AND owner = ?`,
    bumpIf: `UPDATE ${O} SET version = version + 1 WHERE scope = ? AND owner = ? AND version = ?`,
    newOwner: d.insertIgnore(O, ['scope', 'owner', 'version'], ['scope', 'owner']),
    keyHeld: `SELECT version FROM ${K} WHERE id = ? AND version = ?${d.forUpdate}`,
    // "No such key": a placeholder row (version 0) held until commit, so a second claim waits and finds the key.
    claimKey: d.insertIgnore(K, ['id', 'value', 'expires_at', 'user_id', 'version'], ['id']),
    unclaimKey: `DELETE FROM ${K} WHERE id = ? AND version = 0`,
    // A whole row: a new one, or a new version of one (a rotated secret), every column replaced.
    insert: d.upsert(S, SESSION_COLUMNS, ['id'], Object.fromEntries(SESSION_COLUMNS.slice(1).map((column) => [column, 'new' as const]))),
    revoke: `UPDATE ${S} SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND user_id = ?`,
    epoch: d.upsert(E, ['scope', 'owner', 'kind', 'epoch'], ['scope', 'owner', 'kind'], { epoch: 'new' }),
    highWater: d.upsert(H, ['scope', 'owner', 'kind', 'at'], ['scope', 'owner', 'kind'], { at: 'max' }),
    deny: d.upsert(D, ['user_id', 'session_id', 'until'], ['user_id', 'session_id'], { until: 'new' }),
    device: d.upsert(V, ['user_id', 'device_hash', 'last_seen_at'], ['user_id', 'device_hash'], { last_seen_at: 'new' }),
    activity: d.upsert(A, ['id', 'user_id', 'tenant_id', 'at', 'entry'], ['id'], { entry: 'new' }),
    putKey: d.upsert(K, ['id', 'value', 'expires_at', 'user_id', 'version'], ['id'], { value: 'new', expires_at: 'new', user_id: 'new', version: 'inc' }),
    deleteKey: `DELETE FROM ${K} WHERE id = ?`,
    // Erased by primary key: MySQL's DELETE through a secondary index may wait on other users' locked rows.
    userSessions: `SELECT id FROM ${S} WHERE user_id = ?`,
    deleteSession: `DELETE FROM ${S} WHERE id = ?`,
    eraseDenied: `DELETE FROM ${D} WHERE user_id = ?`,
    eraseDevices: `DELETE FROM ${V} WHERE user_id = ?`,
    eraseActivity: `DELETE FROM ${A} WHERE user_id = ?`,
    eraseKeys: `DELETE FROM ${K} WHERE user_id = ?`,
    touch: `UPDATE ${S} SET last_used_at = ${G}(last_used_at, ?), authenticated_at = ${G}(authenticated_at, ?) WHERE id = ? AND revoked_at IS NULL`,
    pruneSessions: prune(S, 'id', 'expires_at'),
    pruneDenied: prune(D, 'user_id, session_id', 'until'),
    pruneKeys: prune(K, 'id', 'expires_at'),
    pruneActivity: prune(A, 'id', 'at'),
    pruneDevices: prune(V, 'user_id, device_hash', 'last_seen_at'),
    // The user's entries and the tenant's own, each through its index, merged; ids sort as bytes.
    listActivity: `SELECT entry, id FROM (SELECT entry, id FROM ${A} WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?) u
      UNION ALL SELECT entry, id FROM (SELECT entry, id FROM ${A} WHERE user_id IS NULL AND tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?) t
      ORDER BY id DESC LIMIT ?`,
    stats: `SELECT kind, SUM(CASE WHEN expires_at <= ? THEN 1 ELSE 0 END) AS expired,
      SUM(CASE WHEN expires_at > ? AND revoked_at IS NOT NULL THEN 1 ELSE 0 END) AS revoked,
      SUM(CASE WHEN expires_at > ? AND revoked_at IS NULL THEN 1 ELSE 0 END) AS live FROM ${S} GROUP BY kind`,
  };
  return Object.fromEntries(Object.entries(text).map(([name, sql]) => [name, { name, text: d.placeholders(sql) }])) as { readonly [name in keyof typeof text]: Statement };
}
