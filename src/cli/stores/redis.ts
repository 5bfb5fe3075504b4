import { DEFAULT_PREFIX } from '../../../adapters/redis/options.js';
import { redisStore } from '../../../adapters/redis/store.js';
import type { RedisClientLike } from '../../../adapters/redis/client.js';
import { CliError } from '../failure.js';
import { storeOptions, unreachable } from './checked.js';
import { optionalImport } from './optional.js';
import type { OpenedStore, StoreFlags } from './types.js';

/** How long the CLI waits for Redis to accept the connection. */
const CONNECT_TIMEOUT = 5_000;

interface Connected {
  readonly client: RedisClientLike;
  readonly close: () => Promise<void>;
}

/** Redis through ioredis when installed, else node-redis; one connection, no retries. */
export async function openRedis(url: string, label: string, flags: StoreFlags): Promise<OpenedStore> {
  const prefix = flags.prefix ?? DEFAULT_PREFIX;
  const connected = (await connectIoredis(url, label)) ?? (await connectNodeRedis(url, label));
  if (connected === undefined) throw new CliError('the Redis store needs a client: npm install ioredis (or npm install redis)');
  // The store's background bookkeeping never decides a command's outcome, and its default
  // (a process warning) would break the one-line output.
  const store = await storeOptions(() => redisStore({ client: connected.client, prefix, onError: () => {} }), connected.close);
  return {
    store,
    migrate: async () => `Redis needs no migration: the store writes its keys (prefix "${prefix}") as it goes. Nothing to do.`,
    close: connected.close,
  };
}

async function connectIoredis(url: string, label: string): Promise<Connected | undefined> {
  const module = await optionalImport('ioredis', () => import('ioredis'));
  if (module === undefined) return undefined;
  // A one-shot command: fail at once rather than queue or reconnect.
  const client = new module.Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // ioredis rejects `connect()` with "Connection is closed."; the socket's error says why.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw unreachable('Redis', label, lastError ?? error);
  }
  return {
    client: client as unknown as RedisClientLike,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

async function connectNodeRedis(url: string, label: string): Promise<Connected | undefined> {
  const module = await optionalImport('redis', () => import('redis'));
  if (module === undefined) return undefined;
  const client = module.createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: CONNECT_TIMEOUT, reconnectStrategy: false } });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    // A client that never opened refuses destroy() too; nothing is left to release then.
    if (client.isOpen) client.destroy();
    throw unreachable('Redis', label, lastError ?? error);
  }
  return {
    client: client as unknown as RedisClientLike,
    close: async () => {
      await client.close().catch(() => client.destroy());
    },
  };
}
