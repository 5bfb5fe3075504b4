import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { bundleForChildren } from './bundle.js';
import { tempDatabases } from './temp.js';

interface WriterReport {
  readonly type: 'done';
  readonly name: string;
  readonly errors: readonly { code?: string; message: string }[];
  readonly created: readonly string[];
  readonly replaced: readonly string[];
  readonly epochsAsked: readonly number[];
  /** The evicted ids of each capped sign-in, in order. */
  readonly evicted: readonly (readonly string[])[];
  /** The revocation links this writer used. */
  readonly consumed: readonly string[];
}

const root = resolve(import.meta.dirname, '../..');
const files = tempDatabases();
let bundleDir: string;
let bundle: string;

// The child processes run plain Node, so they load the adapter compiled to one ES module.
beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'session-revocation-sqlite-bundle-'));
  await bundleForChildren(bundleDir, { sqlite: 'adapters/sqlite/index.ts', storage: 'src/storage/index.ts' });
  bundle = join(bundleDir, 'sqlite.js');
}, 60_000);

afterAll(() => {
  files.removeAll();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** Starts writers on one file, lets them all go at once, and collects their reports. */
async function runWriters(filename: string, names: readonly string[], rounds: number): Promise<WriterReport[]> {
  const children = names.map((name) =>
    fork(join(import.meta.dirname, 'writer.mjs'), [bundle, filename, name, String(rounds)], {
      // better-sqlite3 is found from the repository's node_modules, not from the bundle's directory.
      env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const message = (child: (typeof children)[number], type: string): Promise<unknown> =>
    new Promise((resolveMessage, reject) => {
      const onMessage = (value: unknown): void => {
        if ((value as { type?: string }).type !== type) return;
        child.off('message', onMessage);
        resolveMessage(value);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`writer exited with ${code} before "${type}"`)));
    });
  await Promise.all(children.map((child) => message(child, 'ready')));
  const reports = Promise.all(children.map((child) => message(child, 'done') as Promise<WriterReport>));
  for (const child of children) child.send('go');
  return reports;
}

describe('sqlite store: several processes on one file', () => {
  it('processes opening the same new file at the same moment all start', async () => {
    // Switching a new file to WAL is refused at once (not after the busy timeout) to the
    // processes that lose the race, so this is what a cluster's workers hit on first boot.
    const children = Array.from({ length: 6 }, () =>
      fork(join(import.meta.dirname, 'opener.mjs'), [bundle], {
        env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const next = (child: (typeof children)[number]): Promise<{ error: unknown }> =>
      new Promise((resolveMessage, reject) => {
        const onExit = (code: number | null): void => reject(new Error(`opener exited with ${code}`));
        child.once('exit', onExit);
        child.once('message', (value) => {
          child.off('exit', onExit);
          resolveMessage(value as { error: unknown });
        });
      });
    try {
      await Promise.all(children.map(next));
      const failures: unknown[] = [];
      for (let round = 0; round < 25; round++) {
        const filename = files.next();
        const replies = Promise.all(children.map(next));
        for (const child of children) child.send({ filename });
        for (const reply of await replies) if (reply.error !== null) failures.push(reply);
      }
      expect(failures).toEqual([]);
    } finally {
      for (const child of children) child.kill();
    }
  }, 120_000);

  it('writes from concurrent processes all succeed and keep the store invariants', async () => {
    const filename = files.next();
    const rounds = 300;
    const linked = storeOperations(sqliteStore({ filename }));
    for (let round = 0; round < rounds; round++) {
      const secretHash = createHash('sha256').update(`secret-${round}`).digest();
      await linked.saveRevocationLink!({ id: `link-${round}`.padEnd(22, '.'), secretHash, userId: 'linked', sessionId: 'S'.repeat(22), expiresAt: Date.now() + 3_600_000 });
    }
    await linked.close?.();
    const reports = await runWriters(filename, ['a', 'b', 'c'], rounds);
    for (const report of reports) expect(report.errors).toEqual([]);

    const store = storeOperations(sqliteStore({ filename }));
    const shared = await store.listByUser('shared');
    expect(shared.sessions).toHaveLength(3 * rounds);
    const revokedBy = new Set(shared.sessions.map((session) => session.revokedReason).filter((reason) => reason !== undefined));
    expect([...revokedBy].sort()).toEqual(['by-a', 'by-b', 'by-c']);

    // Replacement is atomic across processes: one live row for the device, every other
    // row replaced exactly once.
    const device = await store.listByUser('one-device');
    expect(device.sessions).toHaveLength(3 * rounds);
    expect(device.sessions.filter((session) => session.revokedAt === undefined)).toHaveLength(1);
    const replaced = reports.flatMap((report) => report.replaced);
    expect(replaced).toHaveLength(3 * rounds - 1);
    expect(new Set(replaced).size).toBe(3 * rounds - 1);

    // The session cap holds across processes at every sign-in: each one found exactly three
    // live sessions once three existed (evicting one), so none ever saw a fourth; every
    // session but the last three evicted exactly once.
    const capped = await store.listByUser('capped');
    expect(capped.sessions).toHaveLength(3 * rounds);
    const live = capped.sessions.filter((session) => session.revokedAt === undefined).map((session) => session.id);
    expect(live).toHaveLength(3);
    const perSignIn = reports.flatMap((report) => report.evicted.map((ids) => ids.length));
    expect(perSignIn.filter((count) => count === 0)).toHaveLength(3);
    expect(perSignIn.filter((count) => count === 1)).toHaveLength(3 * rounds - 3);
    const evicted = reports.flatMap((report) => report.evicted.flat());
    expect(new Set(evicted).size).toBe(3 * rounds - 3);
    expect(evicted).toHaveLength(3 * rounds - 3);
    for (const id of live) expect(evicted).not.toContain(id);
    expect(capped.sessions.filter((session) => session.revokedReason === 'session_limit')).toHaveLength(3 * rounds - 3);

    // Epochs are monotonic whichever process raised last: the latest time asked, moved 1 ms past by each raise that landed after it.
    const asked = reports.flatMap((report) => report.epochsAsked);
    expect(asked.map((_, index) => Math.max(...asked) + index)).toContain((await store.getRevocationState('epochs')).epochs['remember']);
    const denied = Object.keys((await store.getRevocationState('shared')).denied);
    expect(denied).toHaveLength(3 * (rounds / 5));

    // Every link used exactly once, by one of the processes.
    const consumed = reports.flatMap((report) => report.consumed);
    expect(consumed).toHaveLength(rounds);
    expect(new Set(consumed).size).toBe(rounds);

    // Each entry written with its change: one per sign-in and one per revocation, none lost.
    const ids: string[] = [];
    for (let before: string | undefined; ; ) {
      const page = await store.listActivity!('shared', { limit: 1000, before });
      if (page.length === 0) break;
      ids.push(...page.map((entry) => entry.id));
      before = page.at(-1)!.id;
    }
    expect(ids).toHaveLength(3 * rounds + 3 * (rounds / 5));
    expect(ids).toEqual([...ids].sort().reverse());
    await store.close?.();
  }, 120_000);
});
