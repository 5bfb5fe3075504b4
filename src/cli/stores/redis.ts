import { DEFAULT_PREFIX } from '../../../adapters/redis/options.js';
import { redisStore } from '../../../adapters/redis/store.js';
import type { RedisClientLike } from '../../../adapters/redis/client.js';
import { text, type FlagValues } from '../command.js';
import { CliError, usageError } from '../failure.js';
import { printableLocation } from '../redact.js';
import { CONNECT_TIMEOUT, firstContact, optionalImport, storeOptions, type OpenedStore } from './client.js';

type Connected = { readonly client: RedisClientLike; readonly close: () => Promise<void> };

/** Redis through ioredis when installed, else node-redis; one connection, no retries. */
export async function openRedis(url: string, label: string, values: FlagValues): Promise<OpenedStore> {
  const prefix = text(values, 'prefix') ?? DEFAULT_PREFIX;
  const database = databaseOf(url, label);
  const connected = (await connectIoredis(url, label, database)) ?? (await connectNodeRedis(url, label, database));
  if (connected === undefined) throw new CliError('the Redis store needs a client: npm install ioredis (or npm install redis)');
  // Background bookkeeping never decides a command's outcome, and its default (a process warning) would break the one-line output.
  const store = await storeOptions(() => redisStore({ client: connected.client, prefix, onError: () => {} }), connected.close);
  return { store, migrate: async () => `Redis needs no migration: the store writes its keys (prefix "${prefix}") as it goes. Nothing to do.`, close: connected.close };
}

// The database the URL names, in its path or `?db=` (node-redis reads the path only): digits, else bad usage, never another database.
function databaseOf(url: string, label: string): number {
  const { pathname, searchParams } = new URL(url);
  const path = pathname.slice(1);
  const named = printableLocation(url) === undefined ? ' (the path is not printed: it may hold a password)' : `, not "${path}"`;
  if (!/^\d*$/.test(path)) throw usageError(`--store ${label}: the Redis database must be a number (digits only)${named}`);
  const query = searchParams.getAll('db');
  if (query.some((db) => !/^\d+$/.test(db))) throw usageError(`--store ${label}: the Redis database (db in the query) must be a number (digits only; the query is not printed: it may hold a password)`);
  const databases = new Set([path, ...query].filter((db) => db !== '').map(Number));
  if (databases.size > 1) throw usageError(`--store ${label} names databases ${[...databases].join(' and ')}: name one`);
  return [...databases][0] ?? 0;
}

// Both clients reject `connect()` with their own words ("Connection is closed."): the socket's last error says why.
// ioredis resolves `connect()` though the server refused its SELECT (the URL's database), then runs on db 0: its 'error' came first.
async function connect(label: string, client: { on(event: 'error', listener: (error: unknown) => void): unknown; connect(): Promise<unknown> }, release: () => void): Promise<void> {
  let lastError: unknown;
  client.on('error', (error) => (lastError = error));
  await firstContact('Redis', label, async () => {
    await client.connect().catch((error: unknown) => Promise.reject(lastError ?? error));
    if (lastError !== undefined) throw lastError;
  }, release);
}

async function connectIoredis(url: string, label: string, db: number): Promise<Connected | undefined> {
  const module = await optionalImport('ioredis', () => import('ioredis'));
  if (module === undefined) return undefined;
  // A one-shot command: fail at once rather than queue or reconnect.
  const client = new module.Redis(url, { db, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await connect(label, client, () => client.disconnect());
  return { client: client as unknown as RedisClientLike, close: () => client.quit().then(() => {}, () => client.disconnect()) };
}

async function connectNodeRedis(url: string, label: string, database: number): Promise<Connected | undefined> {
  const module = await optionalImport('redis', () => import('redis'));
  if (module === undefined) return undefined;
  const client = module.createClient({ url, database, disableOfflineQueue: true, socket: { connectTimeout: CONNECT_TIMEOUT, reconnectStrategy: false } });
  // A client that never opened refuses destroy() too; nothing is left to release then.
  await connect(label, client, () => void (client.isOpen && client.destroy()));
  return { client: client as unknown as RedisClientLike, close: () => client.close().then(() => {}, () => client.destroy()) };
}
