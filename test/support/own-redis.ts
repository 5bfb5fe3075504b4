import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { launchRedis, makeServerDir, removeServerDir, stopRedis } from './redis-server.js';

/** Inside a `describe`: a redis-server of the suite's own on `port` (its users or connections are changed), started before its tests and stopped after. Answers its default user's client. */
export function ownRedisServer(port: number, label: string): () => Redis {
  let dir: string | undefined;
  let pid: number | undefined;
  let admin: Redis | undefined;
  beforeAll(async () => {
    dir = await makeServerDir(label);
    pid = await launchRedis(port, dir);
    admin = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  }, 30_000);
  afterAll(async () => {
    admin?.disconnect();
    if (pid !== undefined) await stopRedis(pid, port);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);
  return () => admin!;
}

/** Polls `done` every 25 ms for at most 5 s; whether it came true. */
export async function eventually(done: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}
