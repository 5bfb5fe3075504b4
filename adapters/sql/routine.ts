import { SessionError } from '../../src/errors.js';
import { num, type Cell, type SqlValue } from './records.js';
import type { sqlStatements, Statement } from './statements.js';
import { CLAIM_PLACEHOLDER } from './store.js';

/**
 * Each write statement's placeholders in order, text (t) or a number of ms (n), for a database routine
 * that applies a whole batch in one call; a step reaches it as `[name, ...values]`.
 */
export const STEP_TYPES = {
  insert: 'ttttnnnntt',
  revoke: 'nttt',
  epoch: 'tttn',
  highWater: 'tttn',
  deny: 'ttn',
  device: 'ttn',
  activity: 'tttnt',
  putKey: 'ttntn',
  deleteKey: 't',
  userSessions: 't',
  eraseDenied: 't',
  eraseDevices: 't',
  eraseActivity: 't',
  eraseKeys: 't',
} as const;

// A constant as an SQL literal (the claim's placeholder row), never an input.
const literal = (value: SqlValue): string => (value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`);

/** A statement with its placeholders (`?` in order, or `$n`) replaced by a routine's expressions, one for each. */
export function bindStatement({ name, text }: Statement, args: readonly string[]): string {
  let next = 0;
  const used = new Set<number>();
  const bound = text.replace(/\$(\d+)|\?/g, (_, n?: string) => {
    const i = n === undefined ? next++ : Number(n) - 1;
    used.add(i);
    return args[i] ?? '?';
  });
  if (used.size !== args.length || bound.includes('?')) throw new Error(`The batch routine binds ${args.length} values to ${name}.`);
  return bound;
}

/** The ms a batch routine may take: nine tenths of the caller's time left, so its rollback, not the caller's deadline, normally ends a stuck batch. */
export const routineWait = (timeoutMs: number, startedAt: number): number => Math.max(1, Math.floor(0.9 * (timeoutMs - (performance.now() - startedAt))));

/** A batch routine's answer: 1 applied, 0 the version moved; anything else is `STORE_ERROR`, never a version read as moved. */
export function routineApplied(answer: Cell, database: string): boolean {
  const applied = num(answer);
  if (applied !== 0 && applied !== 1) throw new SessionError('STORE_ERROR', `The ${database} session store's batch routine answered neither 1 nor 0: run store.migrate().`);
  return applied === 1;
}

/** How a routine's language writes the version check. */
export interface RoutineSyntax {
  /** `ELSIF` (PL/pgSQL) or `ELSEIF` (MySQL). */
  readonly elsif: string;
  /** The condition, after a write, that it matched no row. */
  readonly missed: string;
  /** Ends the routine answering 0: the version did not hold, nothing is written. */
  readonly refuse: string;
  /** The locking read of a key at a version, as a statement, and the condition that it found none. */
  keyHeld(select: string): readonly [statement: string, missed: string];
}

/**
 * The version check opening a batch routine: the one `sqlStore` runs as statements where no routine applies batches, written once for every routine.
 * `owner` is the scope and owner expressions, `version` the version read (NULL: none). A claimed key's placeholder row goes at the routine's end.
 */
export function versionCheckSql(st: ReturnType<typeof sqlStatements>, s: RoutineSyntax, owner: readonly [string, string], version: string): string {
  const refuseIf = (missed = s.missed): string => `IF ${missed} THEN ${s.refuse} END IF;`;
  const [held, heldMissed] = s.keyHeld(bindStatement(st.keyHeld, [owner[1], version]));
  return `IF ${owner[0]} = 'k' THEN
    IF ${version} = 0 THEN
      ${bindStatement(st.claimKey, [owner[1], ...CLAIM_PLACEHOLDER.map(literal)])};
      ${refuseIf()}
    ${s.elsif} ${version} IS NOT NULL THEN
      ${held};
      ${refuseIf(heldMissed)}
    END IF;
  ${s.elsif} ${version} IS NOT NULL THEN
    ${bindStatement(st.bumpIf, [...owner, version])};
    IF ${s.missed} THEN
      IF ${version} <> 0 THEN ${s.refuse} END IF;
      ${bindStatement(st.newOwner, [...owner, '1'])};
      ${refuseIf()}
    END IF;
  ELSE
    ${bindStatement(st.bump, owner)};
    IF ${s.missed} THEN
      ${bindStatement(st.newOwner, [...owner, '1'])};
      -- Another batch inserted the row between the two: it exists now, and this bump waits for it.
      IF ${s.missed} THEN
        ${bindStatement(st.bump, owner)};
        ${refuseIf()}
      END IF;
    END IF;
  END IF;`;
}
