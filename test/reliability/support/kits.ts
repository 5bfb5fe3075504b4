import { afterAll } from 'vitest';
import { requireService } from '../../support/services.js';
import { STORE_NAMES, storeKit, type StoreKit, type StoreName } from './stores.js';

/** Which stores this machine can run: memory and SQLite always; Redis, PostgreSQL and MySQL when up (required under CI=true). */
export async function availableStores(): Promise<ReadonlyArray<readonly [StoreName, boolean]>> {
  const redisUp = await requireService('Redis', 6379);
  const postgresUp = await requireService('PostgreSQL', 5432);
  const mysqlUp = await requireService('MySQL/MariaDB', 3306);
  const up: Readonly<Record<StoreName, boolean>> = { memory: true, sqlite: true, redis: redisUp, postgres: postgresUp, mysql: mysqlUp };
  return STORE_NAMES.map((name) => [name, up[name]] as const);
}

/**
 * Kits opened by one test file, closed (data deleted) when the file ends. `open(name)` gives
 * a fresh kit: a new Redis prefix, a new PostgreSQL schema, a new SQLite file.
 */
export function kitsOfThisFile(): { open(name: StoreName): Promise<StoreKit> } {
  const opened: StoreKit[] = [];
  afterAll(async () => {
    for (const kit of opened) await kit.close().catch(() => undefined);
  });
  return {
    async open(name) {
      const kit = await storeKit(name);
      opened.push(kit);
      return kit;
    },
  };
}
