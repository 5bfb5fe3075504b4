import { CLAIM_PLACEHOLDER, mysqlDialect, sqlStatements, stepsJson, type SqlCheck, type SqlStep, type SqlValue, type Statement } from '../sql/index.js';
import type { TableNames } from './options.js';

// The write statements a step may name, with how many values each takes. A batch step is [name, ...values].
const WRITES = {
  insert: 10,
  revoke: 4,
  epoch: 4,
  highWater: 4,
  deny: 3,
  device: 3,
  activity: 5,
  putKey: 5,
  deleteKey: 1,
  userSessions: 1,
  eraseDenied: 1,
  eraseDevices: 1,
  eraseActivity: 1,
  eraseKeys: 1,
} as const;
const MOST = Math.max(...Object.values(WRITES));

/** The procedure applying a batch, by its quoted name. */
export const applyProcedureName = (names: TableNames): string => `\`${names.prefix}apply\``;

// A statement with its `?` placeholders replaced, in order, by the expressions given, one for each.
const bind = ({ name, text }: Statement, args: readonly string[]): string => {
  if (text.split('?').length - 1 !== args.length) throw new Error(`The apply procedure binds ${args.length} values to ${name}.`);
  let n = 0;
  return text.replace(/\?/g, () => args[n++]!);
};
// The claim's placeholder row: constants, never an input.
const literal = (value: SqlValue): string => (value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`);
const values = (count: number): string[] => Array.from({ length: count }, (_, i) => `v${i + 1}`);

/**
 * `CREATE PROCEDURE` of the batch applier: opens a READ COMMITTED transaction and runs the shared SQL
 * layer's own statements under the same version check; the caller commits, so a batch the caller gave
 * up on never commits. It decides nothing: every write is computed in TypeScript, and a step it does
 * not know fails the batch.
 */
export function applyProcedureSql(names: TableNames): string {
  const st = sqlStatements(mysqlDialect, names);
  const owner = ['a_scope', 'a_owner'];
  const arms = Object.entries(WRITES).map(([name, count]) => {
    const statement = bind(st[name as keyof typeof WRITES], values(count));
    if (name !== 'userSessions') return `      WHEN '${name}' THEN ${statement};`;
    // Each row by its primary key, as the transaction path deletes them.
    return `      WHEN '${name}' THEN BEGIN
        DECLARE done INT DEFAULT 0; DECLARE sid VARBINARY(1024);
        DECLARE rows_of_user CURSOR FOR ${statement};
        DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
        OPEN rows_of_user;
        each_row: LOOP FETCH rows_of_user INTO sid; IF done = 1 THEN LEAVE each_row; END IF; ${bind(st.deleteSession, ['sid'])}; END LOOP;
        CLOSE rows_of_user;
      END;`;
  });
  const extract = values(MOST).map((v, i) => `${v} = IF(JSON_TYPE(JSON_EXTRACT(w, '$[${i + 1}]')) = 'NULL', NULL, JSON_UNQUOTE(JSON_EXTRACT(w, '$[${i + 1}]')))`);
  return `CREATE PROCEDURE ${applyProcedureName(names)}(a_scope VARBINARY(1), a_owner VARBINARY(1024), a_version BIGINT, a_steps LONGTEXT CHARACTER SET utf8mb4)
batch: BEGIN
  DECLARE i INT DEFAULT 0; DECLARE held BIGINT; DECLARE w LONGTEXT CHARACTER SET utf8mb4;
  DECLARE ${values(MOST).join(', ')} LONGTEXT CHARACTER SET utf8mb4;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  IF a_scope = 'k' THEN
    IF a_version = 0 THEN
      ${bind(st.claimKey, ['a_owner', ...CLAIM_PLACEHOLDER.map(literal)])};
      SET held = ROW_COUNT();
    ELSEIF a_version IS NOT NULL THEN
      SELECT COUNT(*) INTO held${bind(st.keyHeld, ['a_owner', 'a_version']).slice('SELECT version'.length)};
    ELSE SET held = 1;
    END IF;
  ELSEIF a_version IS NOT NULL THEN
    ${bind(st.bumpIf, [...owner, 'a_version'])};
    SET held = ROW_COUNT();
    IF held = 0 AND a_version = 0 THEN ${bind(st.newOwner, [...owner, '1'])}; SET held = ROW_COUNT(); END IF;
  ELSE
    ${bind(st.bump, owner)};
    SET held = ROW_COUNT();
    IF held = 0 THEN ${bind(st.newOwner, [...owner, '1'])}; SET held = ROW_COUNT(); END IF;
    -- Another batch inserted the row between the two: it exists now, and this bump waits for it.
    IF held = 0 THEN ${bind(st.bump, owner)}; SET held = ROW_COUNT(); END IF;
  END IF;
  IF held <> 1 THEN SELECT 0 AS applied; LEAVE batch; END IF;
  WHILE i < JSON_LENGTH(a_steps) DO
    SET w = JSON_EXTRACT(a_steps, CONCAT('$[', i, ']'));
    SET ${extract.join(',\n      ')};
    CASE JSON_UNQUOTE(JSON_EXTRACT(w, '$[0]'))
${arms.join('\n')}
    END CASE;
    SET i = i + 1;
  END WHILE;
  IF a_scope = 'k' AND a_version = 0 THEN ${bind(st.unclaimKey, ['a_owner'])}; END IF;
  SELECT 1 AS applied;
END`;
}

/** The statement calling the procedure; its one row's `applied` is 1 when the batch's writes are in its open transaction, 0 when the version moved. */
export const applyCall = (names: TableNames): string => `CALL ${applyProcedureName(names)}(?, ?, ?, CONVERT(? USING utf8mb4))`;

/** The call's values: the check and the steps as JSON. */
export function applyValues(check: SqlCheck, steps: readonly SqlStep[]): SqlValue[] {
  return [check.scope, check.owner, check.version ?? null, stepsJson(steps)];
}
