import type { RevocationNotice } from '../../src/store.js';
import { bindStatement as bind, postgresDialect, sqlStatements, STEP_TYPES, versionCheckSql, type RoutineSyntax, type SqlCheck, type SqlStep, type Statement } from '../sql/index.js';
import { noticePayload } from './notifications.js';
import { quoteIdentifier, type TableNames } from './names.js';

/** The function applying a batch, by its schema-qualified name. */
export const applyFunctionName = (names: TableNames): string => `${quoteIdentifier(names.schema)}.${quoteIdentifier(`${names.sessions}_apply`)}`;

const syntax: RoutineSyntax = { elsif: 'ELSIF', missed: 'NOT FOUND', refuse: 'RETURN 0;', keyHeld: (select) => [`PERFORM${select.slice('SELECT'.length)}`, 'NOT FOUND'] };
// Past the caller's deadline, the batch ends as a statement timeout does: rolled back, and read as an outage.
const late = `IF clock_timestamp() >= deadline THEN RAISE EXCEPTION 'the session store call ran past its deadline' USING ERRCODE = 'query_canceled'; END IF`;

/**
 * `CREATE FUNCTION` of the batch applier: the shared SQL layer's own statements under the same version check, in one statement's transaction, so a
 * batch is one round trip. It decides nothing: every write is computed in TypeScript, and a step it does not know fails the whole batch.
 */
export function applyFunctionSql(names: TableNames): string {
  const st = sqlStatements(postgresDialect, names);
  const arms = Object.entries(STEP_TYPES).map(([name, types]) => {
    const args = [...types].map((type, i) => (type === 'n' ? `(w->>${i + 1})::bigint` : `(w->>${i + 1})`));
    const statement = bind(st[name as keyof typeof STEP_TYPES], args);
    const body = name === 'userSessions' ? `FOR r IN ${statement} LOOP ${bind(st.deleteSession, ['r.id'])}; END LOOP` : statement;
    return `      WHEN '${name}' THEN ${body};`;
  });
  return `CREATE OR REPLACE FUNCTION ${applyFunctionName(names)}(a_scope text, a_owner text, a_version bigint, a_steps text, a_channel text, a_notice text, a_wait bigint)
RETURNS integer LANGUAGE plpgsql AS $apply$
DECLARE w jsonb; r record; deadline timestamptz := clock_timestamp() + make_interval(secs => a_wait / 1000.0);
BEGIN
  -- No lock is waited for past the caller's deadline (set for this statement's transaction only).
  PERFORM set_config('lock_timeout', a_wait || 'ms', true);
  ${versionCheckSql(st, syntax, ['a_scope', 'a_owner'], 'a_version')}
  FOR w IN SELECT value FROM jsonb_array_elements(a_steps::jsonb) LOOP
    ${late};
    PERFORM set_config('lock_timeout', greatest(1, ceil(1000 * extract(epoch FROM deadline - clock_timestamp())))::bigint || 'ms', true);
    CASE w->>0
${arms.join('\n')}
    END CASE;
  END LOOP;
  IF a_scope = 'k' AND a_version = 0 THEN ${bind(st.unclaimKey, ['a_owner'])}; END IF;
  ${late};
  IF a_channel IS NOT NULL THEN PERFORM pg_notify(a_channel, a_notice); END IF;
  RETURN 1;
END $apply$`;
}

/** The statement calling the function: 1 when the batch was applied, 0 when the version moved. */
export const applyCall = (names: TableNames): Statement => ({ name: 'apply', text: `SELECT ${applyFunctionName(names)}($1, $2, $3, $4, $5, $6, $7) AS applied` });

/** The call's values: the check, the steps as JSON, the notice (and its channel) if any, the caller's time left in ms. */
export function applyValues(check: SqlCheck, steps: readonly SqlStep[], notice: RevocationNotice | undefined, channel: string, waitMs: number): (string | number | null)[] {
  // Numbers as their text: the server parses each as it would a parameter, so NaN is refused rather than read as null.
  const encoded = JSON.stringify(steps.map(([statement, values]) => [statement.name, ...values.map((value) => (typeof value === 'number' ? String(value) : value))]));
  return [check.scope, check.owner, check.version ?? null, encoded, notice === undefined ? null : channel, notice === undefined ? null : noticePayload(notice), waitMs];
}
