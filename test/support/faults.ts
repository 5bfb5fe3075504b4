// The conformance kit's fault hook, wired to the drivers the shipped stores use: a pool (or
// client) wrapper that refuses, hangs, or fails a transaction after some of its writes ran.
import { setTimeout as delay } from 'node:timers/promises';
import type { StoreFault, StoreFaults } from '../../src/testing/index.js';

/** The state a wrapped driver reads on every call. */
interface Switch {
  fault: StoreFault | undefined;
  /** Data-changing statements seen since `mid-batch` was injected. */
  writes: number;
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
// The third write of a batch fails: the version bump and one write have reached the database.
const FAILING_WRITE = 3;

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1 (injected by the test)'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
}

function hook(state: Switch, supports?: readonly StoreFault[]): StoreFaults {
  return {
    supports,
    inject: (_store, fault) => {
      state.fault = fault;
      state.writes = 0;
    },
    heal: () => {
      state.fault = undefined;
    },
  };
}

/**
 * Before a call that opens or uses a connection: refuses, or times out as a driver's own
 * timeout does (after a short wait), as injected. `hang` never answers at all.
 */
function gate(state: Switch, hang = false): Promise<never> | undefined {
  if (state.fault === 'refused') return Promise.reject(refused());
  if (state.fault === 'timeout' && hang) return new Promise<never>(() => undefined);
  if (state.fault === 'timeout') return delay(200).then(() => Promise.reject(Object.assign(new Error('Connection timed out (injected by the test)'), { code: 'ETIMEDOUT' })));
  return undefined;
}

/** Runs a statement, unless a fault is injected. */
const statement = <T>(state: Switch, run: () => T): T | Promise<never> => gate(state) ?? run();

/** Wraps a node-postgres `Pool` (the store checks connections out with `connect()`). */
export function faultyPgPool<Pool extends object>(pool: Pool): { pool: Pool; faults: StoreFaults } {
  const state: Switch = { fault: undefined, writes: 0 };
  const client = (inner: object) =>
    new Proxy(inner, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (query: unknown, ...rest: unknown[]) => statement(state, () => value.call(target, query, ...rest));
      },
    });
  const wrapped = new Proxy(pool, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'connect') return () => gate(state) ?? (value.call(target) as Promise<object>).then(client);
      if (name === 'query') return (query: unknown, ...rest: unknown[]) => statement(state, () => value.call(target, query, ...rest));
      return value.bind(target);
    },
  });
  // A batch is one statement (the schema's apply function): it cannot stop half way, as a Redis script cannot.
  return { pool: wrapped, faults: hook(state, ['refused', 'timeout']) };
}

/** Wraps a mysql2 promise pool (the store checks connections out with `getConnection()`). */
export function faultyMysqlPool<Pool extends object>(pool: Pool): { pool: Pool; faults: StoreFaults } {
  const state: Switch = { fault: undefined, writes: 0 };
  const connection = (inner: object) =>
    new Proxy(inner, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if ((name !== 'query' && name !== 'execute') || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (query: unknown, ...rest: unknown[]) => statement(state, () => value.call(target, query, ...rest));
      },
    });
  const wrapped = new Proxy(pool, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'getConnection') return () => gate(state) ?? (value.call(target) as Promise<object>).then(connection);
      return value.bind(target);
    },
  });
  // A batch is one statement (the procedure applying it), as on PostgreSQL.
  return { pool: wrapped, faults: hook(state, ['refused', 'timeout']) };
}

/**
 * Wraps an ioredis client: every command refuses or hangs as injected. A Redis script applies
 * a batch whole (it checks everything before its first write), so there is no `mid-batch`.
 */
export function faultyRedis<Client extends object>(client: Client): { client: Client; faults: StoreFaults } {
  const state: Switch = { fault: undefined, writes: 0 };
  const wrapped = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      // Event wiring and lifecycle calls are not commands.
      if (typeof name !== 'string' || ['on', 'once', 'off', 'removeListener', 'addListener', 'duplicate', 'quit', 'disconnect', 'listenerCount', 'emit'].includes(name)) return value.bind(target);
      return (...args: unknown[]) => gate(state, true) ?? value.apply(target, args);
    },
  });
  return { client: wrapped, faults: hook(state, ['refused', 'timeout']) };
}

/** A better-sqlite3 error with its result code, as the driver throws one. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(`${message} (injected by the test)`), { code });
}

/**
 * Wraps better-sqlite3 connections: statements and `exec` throw as the synchronous driver does.
 * `refused` is a file that cannot be opened, `timeout` a lock held past the busy timeout, and
 * `mid-batch` a disk error on the third write of a transaction.
 */
export function faultySqlite(): { wrap: <Database extends object>(database: Database) => Database; faults: StoreFaults } {
  const state: Switch = { fault: undefined, writes: 0 };
  const check = (text: string): void => {
    if (state.fault === 'refused') throw sqliteError('SQLITE_CANTOPEN', 'unable to open database file');
    if (state.fault === 'timeout') throw sqliteError('SQLITE_BUSY', 'database is locked');
    if (state.fault === 'mid-batch' && WRITE.test(text) && ++state.writes === FAILING_WRITE) {
      state.fault = undefined;
      throw sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error');
    }
  };
  const statement = (inner: object, text: string) =>
    new Proxy(inner, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (name !== 'run' && name !== 'all' && name !== 'get') return value.bind(target);
        return (...args: unknown[]) => {
          check(text);
          return value.apply(target, args);
        };
      },
    });
  const wrap = <Database extends object>(database: Database): Database =>
    new Proxy(database, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (name === 'prepare') return (text: string) => statement(value.call(target, text) as object, text);
        if (name === 'exec') {
          return (text: string) => {
            // A rollback always goes through: it is how the store cleans up after a fault.
            if (!/^\s*rollback\b/i.test(text)) check(text);
            return value.call(target, text);
          };
        }
        return value.bind(target);
      },
    });
  return { wrap, faults: hook(state) };
}
