import { createHash } from 'node:crypto';
import { SessionError } from '../../src/errors.js';
import { bindStatement as bind, mysqlDialect, sqlStatements, STEP_TYPES, versionCheckSql, type RoutineSyntax, type SqlCheck, type SqlStep, type SqlValue, type Statement } from '../sql/index.js';
import type { TableNames } from './options.js';

// A step's k-th value, read from the steps in one pass: text sent as the hex of its bytes (so no charset applies), a number as its
// digits, NULL as JSON null (which no hex or digits spell, whether the server reads it as NULL or as 'null').
const stepValue = (k: number, type: string): string => (type === 'n' ? `CAST(NULLIF(v${k}, 'null') AS SIGNED)` : `UNHEX(NULLIF(v${k}, 'null'))`);
const VALUES = Array.from({ length: Math.max(...Object.values(STEP_TYPES).map((types) => types.length)) }, (_, i) => `v${i + 1}`);
const syntax: RoutineSyntax = { elsif: 'ELSEIF', missed: 'ROW_COUNT() <> 1', refuse: 'ROLLBACK; SELECT 0 AS applied; LEAVE applying;', keyHeld: (select) => [`SET held = (${select})`, 'held IS NULL'] };
// Past the caller's deadline the batch ends as a KILL QUERY does: rolled back, and read as an outage, even when the lock it waited for came free.
const late = "IF UTC_TIMESTAMP(3) >= deadline THEN SIGNAL SQLSTATE '70100' SET MESSAGE_TEXT = 'the session store call ran past its deadline', MYSQL_ERRNO = 1317; END IF;";

/** The procedure applying a batch: its name (the prefix and a hash of its text, so a changed one never replaces one in use) and its `CREATE PROCEDURE`. */
export interface ApplyProcedure {
  readonly name: string;
  readonly create: string;
  readonly call: Statement;
}

/**
 * The batch applier: the shared SQL layer's own statements under the same version check, in one transaction of one `CALL`, so a batch is one round
 * trip. It decides nothing: every write is computed in TypeScript, and a step it does not know fails the whole batch.
 */
export function applyProcedure(names: TableNames): ApplyProcedure {
  const st = sqlStatements(mysqlDialect, names);
  const arms = Object.entries(STEP_TYPES).map(([name, types]) => {
    const statement = bind(st[name as keyof typeof STEP_TYPES], [...types].map((type, i) => stepValue(i + 1, type)));
    if (name !== 'userSessions') return `      WHEN '${name}' THEN ${statement};`;
    // The ids read once, then each row deleted by its primary key, as the shared layer does.
    return `      WHEN '${name}' THEN BEGIN
        DECLARE erased BOOLEAN DEFAULT FALSE;
        DECLARE ids CURSOR FOR ${statement};
        DECLARE CONTINUE HANDLER FOR NOT FOUND SET erased = TRUE;
        OPEN ids;
        erasing: LOOP
          FETCH ids INTO sid;
          IF erased THEN LEAVE erasing; END IF;
          ${late}
          ${bind(st.deleteSession, ['sid'])};
        END LOOP erasing;
        CLOSE ids;
      END;`;
  });
  const body = `(a_scope VARBINARY(1), a_owner LONGTEXT, a_version BIGINT, a_steps LONGTEXT, a_wait BIGINT)
SQL SECURITY INVOKER MODIFIES SQL DATA
applying: BEGIN
  DECLARE step VARCHAR(32);
  DECLARE ${VALUES.join(', ')} LONGTEXT;
  DECLARE held BIGINT;
  DECLARE sid VARBINARY(1024);
  DECLARE o VARBINARY(1024) DEFAULT UNHEX(a_owner);
  DECLARE deadline DATETIME(3) DEFAULT UTC_TIMESTAMP(3) + INTERVAL a_wait * 1000 MICROSECOND;
  DECLARE done BOOLEAN DEFAULT FALSE;
  -- One pass over the steps: reading the i-th step of the text would parse it again each time.
  DECLARE steps CURSOR FOR SELECT t.name, ${VALUES.map((v) => `t.${v}`).join(', ')} FROM JSON_TABLE(a_steps, '$[*]' COLUMNS (n FOR ORDINALITY, name VARCHAR(32) PATH '$[0]', ${VALUES.map((v, i) => `${v} LONGTEXT PATH '$[${i + 1}]'`).join(', ')})) t ORDER BY t.n;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  ${versionCheckSql(st, syntax, ['a_scope', 'o'], 'a_version')}
  OPEN steps;
  stepping: LOOP
    FETCH steps INTO step, ${VALUES.join(', ')};
    IF done THEN LEAVE stepping; END IF;
    ${late}
    CASE step
${arms.join('\n')}
    END CASE;
  END LOOP stepping;
  CLOSE steps;
  IF a_scope = 'k' AND a_version = 0 THEN ${bind(st.unclaimKey, ['o'])}; END IF;
  ${late}
  COMMIT;
  SELECT 1 AS applied;
END`;
  const name = `${names.prefix}apply_${createHash('sha256').update(body).digest('hex').slice(0, 8)}`;
  return { name, create: `CREATE PROCEDURE \`${name}\`${body}`, call: { name: 'apply', text: `CALL \`${name}\`(?, ?, ?, ?, ?)` } };
}

// Text as the hex of its UTF-8 bytes, a number as its digits: a whole one, as PostgreSQL's function takes them.
const encode = (value: SqlValue): string | null => {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex');
  if (value === null) return null;
  if (!Number.isSafeInteger(value)) throw new SessionError('STORE_ERROR', `The MySQL session store cannot store ${value} as a time or count: it takes whole numbers.`);
  return String(value);
};

/** The call's values: the check, the steps as JSON, and the ms the server may take. */
export const applyValues = (check: SqlCheck, steps: readonly SqlStep[], waitMs: number): SqlValue[] =>
  [check.scope, encode(check.owner), check.version ?? null, JSON.stringify(steps.map(([statement, values]) => [statement.name, ...values.map(encode)])), waitMs];
