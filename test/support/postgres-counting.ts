import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryConfig } from '../../adapters/postgres/index.js';

/** A pool whose clients record every statement sent through them. */
export interface CountingPool extends PostgresPool {
  /** One entry per statement: the prepared-statement name when it has one, else the SQL text. */
  readonly statements: string[];
}

/** Wraps `pool` so each `query` a store sends on a checked-out client is recorded. */
export function countingPool(pool: pg.Pool): CountingPool {
  const statements: string[] = [];
  return {
    statements,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return new Proxy(client, {
        get(target, property) {
          if (property === 'query') {
            return (config: PostgresQueryConfig) => {
              statements.push(config.name ?? config.text);
              return target.query(config);
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

/** The operation part of a store statement name (`session_revocation_get_<hash>` is `get`). */
export function operationOf(statement: string): string {
  const match = /^session_revocation_([a-z_]+)_[0-9a-f]{12}$/.exec(statement);
  return match?.[1] ?? statement;
}
