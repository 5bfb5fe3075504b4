import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { DAY, UA } from '../support/clock.js';
import { barePackage, cli } from './bin.js';

/** One kind of store under the CLI: how to name it on the command line and reach its data. */
export interface CliStoreHarness {
  /** `--store …` and the store's own flags, naming a namespace of this run only. */
  readonly args: readonly string[];
  /** What `migrate` prints the first time, then the second. */
  readonly migrated: readonly [RegExp, RegExp];
  /** A store on the same data, for putting sessions in and reading them back. */
  store(): Promise<SessionStore>;
  /** Removes everything this run wrote (the namespace) and closes what it opened. */
  cleanup(): Promise<void>;
}

/**
 * Every command of the built bin against one real store: what an operator sees on stdout and
 * stderr, and the exit code. Sessions are put in with the library, as an app would.
 */
export function describeCliOnStore(
  name: string,
  enabled: boolean,
  makeHarness: () => Promise<CliStoreHarness>,
  options: {
    /** The store's second client package (node-redis, postgres.js), used when the first is not installed. */
    readonly otherClient?: string;
  } = {},
): void {
  const { otherClient } = options;
  describe.skipIf(!enabled)(`session-revocation CLI on ${name}`, () => {
    let harness: CliStoreHarness;
    const managers: SessionManager[] = [];
    const run = (...args: string[]) => cli([...args, ...harness.args]);
    const manager = async (options: { past?: number; kinds?: Record<string, object> } = {}): Promise<SessionManager> => {
      const past = options.past ?? 0;
      const sessions = createSessionManager({ store: await harness.store(), clock: () => Date.now() - past, ...(options.kinds ? { kinds: options.kinds } : {}) });
      managers.push(sessions);
      return sessions;
    };

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterAll(async () => {
      // The harness closes the stores; managers only hold timers and caches.
      await harness?.cleanup();
    });

    it('migrate says what it did, the first time and the second (exit 0 both times)', async () => {
      const first = await run('migrate');
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(harness.migrated[0]);
      const second = await run('migrate');
      expect(second).toMatchObject({ code: 0, stderr: '' });
      expect(second.stdout).toMatch(harness.migrated[1]);
    });

    it('list prints the live sessions like the Security page, and as JSON with --json', async () => {
      const sessions = await manager();
      const mac = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac, ip: '203.0.113.9', tenantId: 'acme' });
      const windows = await sessions.create({ userId: 'alice', userAgent: UA.firefoxWindows });
      await sessions.revoke((await sessions.create({ userId: 'alice', kind: 'api' })).session.id);

      const table = await run('list', 'alice');
      expect(table).toMatchObject({ code: 0, stderr: '' });
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^DEVICE +LAST USED +CREATED +IP +TENANT +KIND +ID$/);
      const macLine = lines.find((line) => line.includes(mac.session.id));
      expect(macLine).toMatch(/^Chrome on Mac OS +Just now +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +203\.0\.113\.9 +acme +browser +/);
      expect(lines.find((line) => line.includes(windows.session.id))).toMatch(/^Firefox on Windows +Just now +\S+ +- +- +browser +/);

      const json = await run('list', 'alice', '--json');
      expect(json.code).toBe(0);
      const listed = JSON.parse(json.stdout) as Array<{ id: string; deviceLabel: string; ip?: string; tenantId?: string }>;
      expect(listed.map((session) => session.id).sort()).toEqual([mac.session.id, windows.session.id].sort());
      expect(listed.find((session) => session.id === mac.session.id)).toMatchObject({ deviceLabel: 'Chrome on Mac OS', ip: '203.0.113.9', tenantId: 'acme' });

      expect(await run('list', 'nobody')).toMatchObject({ code: 0, stdout: 'No live sessions for user nobody.\n' });
    });

    it('revoke-user signs out everywhere: every kind but api by default, the app\'s own included, every kind with --kinds all', async () => {
      const sessions = await manager({ kinds: { kiosk: {} } });
      const browser = await sessions.create({ userId: 'bob', userAgent: UA.chromeMac });
      const api = await sessions.create({ userId: 'bob', kind: 'api' });
      const kiosk = await sessions.create({ userId: 'bob', kind: 'kiosk' });

      const everywhere = await run('revoke-user', 'bob');
      expect(everywhere).toMatchObject({ code: 0, stderr: '' });
      expect(everywhere.stdout).toMatch(/^Signed out user bob everywhere \(browser, impersonation, kiosk, remember\): sessions created until \S+Z are refused\.\n$/);
      expect(await sessions.validate(browser.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(kiosk.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(api.token)).toMatchObject({ ok: true });
      const kioskAgain = await sessions.create({ userId: 'bob', kind: 'kiosk' });

      const all = await run('revoke-user', 'bob', '--kinds', 'all', '--by', 'ops');
      expect(all.code).toBe(0);
      // "all" covers the app's own kinds the store holds for the user, not only the built-in ones.
      expect(all.stdout).toMatch(/^Signed out user bob everywhere \(api, browser, impersonation, kiosk, remember\)/);
      expect(await sessions.validate(api.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(kioskAgain.token)).toMatchObject({ ok: false });
      expect(await run('list', 'bob')).toMatchObject({ code: 0, stdout: 'No live sessions for user bob.\n' });

      const named = await run('revoke-user', 'bob', '--kinds', 'api');
      expect(named.stdout).toMatch(/^Signed out user bob everywhere \(api\)/);
    });

    it('--kinds naming an app kind never stored for the user or tenant signs out what it names, and says the kind may be misspelt', async () => {
      const sessions = await manager({ kinds: { kiosk: {} } });
      const kiosk = await sessions.create({ userId: 'typo', kind: 'kiosk', tenantId: 'typo-tenant' });
      const browser = await sessions.create({ userId: 'typo', userAgent: UA.chromeMac });
      const mistyped = await run('revoke-user', 'typo', '--kinds', 'browser,kiosks');
      expect(mistyped).toMatchObject({ code: 0, stderr: '' });
      expect(mistyped.stdout).toMatch(/^Signed out user typo everywhere \(browser, kiosks\): .*\nNo session of kind "kiosks" was ever stored for user typo: check the spelling\.\n$/);
      expect([await sessions.validate(browser.token), await sessions.validate(kiosk.token)]).toMatchObject([{ ok: false }, { ok: true }]);
      const tenant = await run('revoke-tenant', 'typo-tenant', '--kinds', 'kiosks', '--yes');
      expect(tenant.stdout).toMatch(/\nNo session of kind "kiosks" was ever stored for tenant typo-tenant: check the spelling\.\n$/);
      // The typo is not taken for a kind of the app's afterwards.
      expect((await run('revoke-user', 'typo', '--kinds', 'kiosks')).stdout).toContain('No session of kind "kiosks" was ever stored');
      expect(await sessions.validate(kiosk.token)).toMatchObject({ ok: true });
      expect((await run('revoke-tenant', 'typo-tenant', '--kinds', 'kiosk', '--yes')).stdout).toMatch(/^Signed out tenant typo-tenant \(kiosk\): [^\n]*\n$/);
      expect(await sessions.validate(kiosk.token)).toMatchObject({ ok: false });
      // A user or tenant id nothing was ever stored under (a wrong case, a wrong prefix) is said to be so, not only signed out.
      for (const args of [['revoke-user', 'Typo'], ['revoke-tenant', 'Typo-Tenant', '--yes']]) {
        const answer = await run(...args);
        expect(answer).toMatchObject({ code: 0, stderr: '' });
        expect(answer.stdout).toMatch(new RegExp(`^Signed out [^\\n]*\\nNo session was ever stored for (user|tenant) ${args[1]}: check the spelling \\(and the store's prefix or schema\\)\\.\\n$`));
      }
    });

    it('--kinds with "all" in a list, or with spaces around it, signs out every kind (never a success that left sessions alive)', async () => {
      const sessions = await manager({ kinds: { kiosk: {} } });
      for (const [index, kinds] of ['all ', ' all', 'all,browser', 'browser, all', 'kiosk,all'].entries()) {
        const userId = `kinds-${index}`;
        const held = await Promise.all([
          sessions.create({ userId, userAgent: UA.chromeMac }),
          sessions.create({ userId, kind: 'api' }),
          sessions.create({ userId, kind: 'kiosk' }),
        ]);
        const revoked = await run('revoke-user', userId, '--kinds', kinds);
        expect(revoked).toMatchObject({ code: 0, stderr: '' });
        expect(revoked.stdout).toMatch(new RegExp(`^Signed out user ${userId} everywhere \\(api, browser, impersonation, kiosk, remember\\)`));
        for (const { token } of held) expect(await sessions.validate(token)).toMatchObject({ ok: false });
      }

      const tenantUser = await sessions.create({ userId: 'kinds-tenant', tenantId: 'hooli', kind: 'api' });
      const tenantKiosk = await sessions.create({ userId: 'kinds-tenant', tenantId: 'hooli', kind: 'kiosk' });
      const tenant = await run('revoke-tenant', 'hooli', '--kinds', 'kiosk, all ', '--yes');
      expect(tenant).toMatchObject({ code: 0, stderr: '' });
      expect(tenant.stdout).toMatch(/^Signed out tenant hooli \(api, browser, impersonation, kiosk, remember\)/);
      expect(await sessions.validate(tenantUser.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(tenantKiosk.token)).toMatchObject({ ok: false });
    });

    it('export-user prints every stored field of every session, the epochs and the deny-list, never a secret or its hash', async () => {
      const sessions = await manager();
      const kept = await sessions.create({ userId: 'carol', userAgent: UA.chromeMac, ip: '198.51.100.7', tenantId: 'acme', data: { plan: 'pro' } });
      const gone = await sessions.create({ userId: 'carol', kind: 'api' });
      await sessions.revoke(gone.session.id);
      await sessions.revokeAll('carol', { kinds: ['remember'] });

      const exported = await run('export-user', 'carol');
      expect(exported).toMatchObject({ code: 0, stderr: '' });
      const body = JSON.parse(exported.stdout) as {
        userId: string;
        sessions: Array<Record<string, unknown>>;
        epochs: Record<string, number>;
        denied: Record<string, number>;
      };
      expect(body.userId).toBe('carol');
      expect(body.sessions).toHaveLength(2);
      expect(body.sessions.find((session) => session['id'] === kept.session.id)).toMatchObject({
        userId: 'carol',
        tenantId: 'acme',
        kind: 'browser',
        ip: '198.51.100.7',
        browser: 'Chrome',
        os: 'Mac OS',
        data: { plan: 'pro' },
        createdAt: kept.session.createdAt,
        expiresAt: kept.session.expiresAt,
      });
      expect(body.sessions.find((session) => session['id'] === gone.session.id)).toMatchObject({ revokedReason: 'revoked', revokedAt: expect.any(Number) });
      expect(Object.keys(body.epochs)).toEqual(['remember']);
      expect(Object.keys(body.denied)).toEqual([gone.session.id]);
      expect(exported.stdout).not.toMatch(/secret/i);
      for (const { token } of [kept, gone]) expect(exported.stdout).not.toContain(token.split('.')[1]);
    });

    it('prune deletes expired sessions in batches, with one plain progress line per batch when stderr is no terminal', async () => {
      // Expired a minute ago: every store still has the rows (Redis lets a row's keys lapse only a day later).
      const expired = await manager({ past: 30 * DAY + 60_000 });
      for (let index = 0; index < 5; index++) await expired.create({ userId: 'dave', kind: 'api' });
      const live = await (await manager()).create({ userId: 'dave', kind: 'api' });

      const pruned = await run('prune', '--batch-size', '2');
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toBe('Deleted 5 expired sessions.\n');
      expect(pruned.stderr.split('\n')).toEqual([
        'pruning: 2 expired sessions deleted (1 batch of up to 2)',
        'pruning: 4 expired sessions deleted (2 batches of up to 2)',
        'pruning: 5 expired sessions deleted (3 batches of up to 2)',
        '',
      ]);
      const left = JSON.parse((await run('export-user', 'dave')).stdout) as { sessions: Array<{ id: string }> };
      expect(left.sessions.map((session) => session.id)).toEqual([live.session.id]);

      expect(await run('prune')).toMatchObject({ code: 0, stdout: 'Deleted 0 expired sessions.\n' });
    });

    it('stats counts the rows of each kind: live, revoked, expired (a table, or JSON with --json)', async () => {
      const counts = async (): Promise<Record<string, { live: number; revoked: number; expired: number }>> => {
        const answer = await run('stats', '--json');
        expect(answer).toMatchObject({ code: 0, stderr: '' });
        return JSON.parse(answer.stdout) as Record<string, { live: number; revoked: number; expired: number }>;
      };
      const zero = { live: 0, revoked: 0, expired: 0 };
      const before = await counts();
      const sessions = await manager({ kinds: { kiosk: {} } });
      await sessions.create({ userId: 'kim', userAgent: UA.chromeMac });
      await sessions.create({ userId: 'kim', userAgent: UA.firefoxWindows });
      await sessions.revoke((await sessions.create({ userId: 'kim', kind: 'api' })).session.id);
      await sessions.create({ userId: 'kim', kind: 'kiosk' });
      await (await manager({ past: 31 * DAY })).create({ userId: 'kim', kind: 'api' });

      const after = await counts();
      const change = (kind: string) => {
        const [now, then] = [after[kind] ?? zero, before[kind] ?? zero];
        return { live: now.live - then.live, revoked: now.revoked - then.revoked, expired: now.expired - then.expired };
      };
      expect(change('browser')).toEqual({ live: 2, revoked: 0, expired: 0 });
      expect(change('api')).toEqual({ live: 0, revoked: 1, expired: 1 });
      expect(change('kiosk')).toEqual({ live: 1, revoked: 0, expired: 0 });

      const table = await run('stats');
      expect(table).toMatchObject({ code: 0, stderr: '' });
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^KIND +LIVE +REVOKED +EXPIRED$/);
      expect(lines).toContain(lines.find((line) => /^kiosk +\d+ +\d+ +\d+$/.test(line)));
      const kiosk = after['kiosk']!;
      expect(lines.find((line) => line.startsWith('kiosk '))?.split(/ +/)).toEqual(['kiosk', String(kiosk.live), String(kiosk.revoked), String(kiosk.expired)]);
      const total = Object.values(after).reduce((sum, count) => sum + count.live, 0);
      expect(lines.at(-1)?.split(/ +/).slice(0, 2)).toEqual(['TOTAL', String(total)]);

      // After prune, nothing counts as expired any more (and the next test starts clean).
      expect((await run('prune')).code).toBe(0);
      const pruned = await counts();
      expect(pruned['api']?.expired ?? 0).toBe(before['api']?.expired ?? 0);
    });

    it('revoke-tenant asks first, then signs out every user of the tenant and no one else; the tenant\'s activity says who', async () => {
      const sessions = await manager();
      const henry = await sessions.create({ userId: 'henry', tenantId: 'globex', userAgent: UA.chromeMac });
      const iris = await sessions.create({ userId: 'iris', tenantId: 'globex', userAgent: UA.firefoxWindows });
      const henryApi = await sessions.create({ userId: 'henry', tenantId: 'globex', kind: 'api' });
      const outsider = await sessions.create({ userId: 'jack', tenantId: 'initech', userAgent: UA.chromeMac });

      const declined = await cli(['revoke-tenant', 'globex', ...harness.args], { input: 'n\n' });
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain('Sign out every user of tenant globex? [y/N]');
      expect(declined.stderr).toContain('session-revocation: Nothing signed out: tenant globex was not confirmed (answer "y", or pass --yes).');
      expect(await sessions.validate(henry.token)).toMatchObject({ ok: true });
      // No answer at all (a script without --yes) is a no too.
      expect((await run('revoke-tenant', 'globex')).code).toBe(1);

      const confirmed = await cli(['revoke-tenant', 'globex', '--by', 'ops', ...harness.args], { input: 'y\n' });
      expect(confirmed.code).toBe(0);
      expect(confirmed.stdout).toMatch(/^Signed out tenant globex \(browser, impersonation, remember\): its sessions created until \S+Z are refused\.\n$/);
      expect(await sessions.validate(henry.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(iris.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(henryApi.token)).toMatchObject({ ok: true });
      expect(await sessions.validate(outsider.token)).toMatchObject({ ok: true });
      const entries = await sessions.activity('henry', { tenantId: 'globex' });
      expect(entries[0]).toMatchObject({ type: 'tenant.sessions_invalidated', by: 'ops', tenantId: 'globex' });
      // A sign-in after it is not refused.
      const later = await sessions.create({ userId: 'henry', tenantId: 'globex', userAgent: UA.chromeMac });
      expect(await sessions.validate(later.token)).toMatchObject({ ok: true });

      const all = await run('revoke-tenant', 'globex', '--kinds', 'all', '--yes');
      // Every kind the store holds: the built-in ones, and the app's own kinds of other tests.
      expect(all.stdout).toMatch(/^Signed out tenant globex \(api, browser, impersonation, (.+, )?remember(, .+)?\)/);
      expect(await sessions.validate(henryApi.token)).toMatchObject({ ok: false });
      expect(await sessions.validate(outsider.token)).toMatchObject({ ok: true });
    });

    it('revoke-tenant --kinds all signs out the app\'s own kinds too, which the CLI learns from the store (never a success that left sessions alive)', async () => {
      const sessions = await manager({ kinds: { kiosk: {}, 'point-of-sale': {} } });
      const kiosk = await sessions.create({ userId: 'kara', tenantId: 'umbrella', kind: 'kiosk' });
      const till = await sessions.create({ userId: 'lena', tenantId: 'umbrella', kind: 'point-of-sale' });
      const browser = await sessions.create({ userId: 'kara', tenantId: 'umbrella', userAgent: UA.chromeMac });
      const outsider = await sessions.create({ userId: 'kara', tenantId: 'soylent', kind: 'kiosk' });

      const all = await run('revoke-tenant', 'umbrella', '--kinds', 'all', '--yes');
      expect(all).toMatchObject({ code: 0, stderr: '' });
      expect(all.stdout).toMatch(/^Signed out tenant umbrella \((.+, )?kiosk, point-of-sale, remember(, .+)?\): its sessions created until \S+Z are refused\.\n$/);
      for (const { token } of [kiosk, till, browser]) expect(await sessions.validate(token)).toMatchObject({ ok: false });
      expect(await sessions.validate(outsider.token)).toMatchObject({ ok: true });
    });

    it('erase-user asks first, erases on "y" or --yes, and keeps every old token refused', async () => {
      const sessions = await manager();
      const laptop = await sessions.create({ userId: 'frank', userAgent: UA.chromeMac, ip: '198.51.100.8' });
      await sessions.revoke((await sessions.create({ userId: 'frank', kind: 'api' })).session.id);
      const bystander = await sessions.create({ userId: 'grace', userAgent: UA.chromeMac });

      const declined = await cli(['erase-user', 'frank', ...harness.args], { input: 'n\n' });
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain('Erase every session of user frank? This cannot be undone. [y/N]');
      expect(declined.stderr).toContain('session-revocation: Nothing erased: user frank was not confirmed (answer "y", or pass --yes).');
      expect(await sessions.validate(laptop.token)).toMatchObject({ ok: true });
      // No answer at all (a script without --yes) is a no too.
      expect((await run('erase-user', 'frank')).code).toBe(1);

      const confirmed = await cli(['erase-user', 'frank', ...harness.args], { input: 'yes\n' });
      expect(confirmed).toMatchObject({ code: 0, stdout: 'Erased user frank: 2 sessions deleted, every token refused; the revocation epochs stay.\n' });
      expect(await sessions.validate(laptop.token)).toMatchObject({ ok: false });
      const left = JSON.parse((await run('export-user', 'frank')).stdout) as { sessions: unknown[]; epochs: Record<string, number>; denied: Record<string, number> };
      expect(left.sessions).toEqual([]);
      expect(left.denied).toEqual({});
      expect(Object.keys(left.epochs).sort()).toEqual(['api', 'browser', 'impersonation', 'remember']);
      expect(await sessions.validate(bystander.token)).toMatchObject({ ok: true });

      expect(await run('erase-user', 'frank', '--yes', '--by', 'privacy-desk')).toMatchObject({
        code: 0,
        stdout: 'Erased user frank: 0 sessions deleted, every token refused; the revocation epochs stay.\n',
      });
    });

    if (otherClient !== undefined) {
      it(`works the same through ${otherClient} when only that client is installed`, async () => {
        const bare = barePackage([otherClient]);
        try {
          const sessions = await manager();
          const created = await sessions.create({ userId: 'erin', userAgent: UA.chromeMac });
          const other = (...args: string[]) => cli([...args, ...harness.args], { bin: bare.bin });
          expect((await other('migrate')).code).toBe(0);
          const listed = await other('list', 'erin', '--json');
          expect(listed).toMatchObject({ code: 0, stderr: '' });
          expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((session) => session.id)).toEqual([created.session.id]);
          expect((await other('revoke-user', 'erin')).code).toBe(0);
          expect(await sessions.validate(created.token)).toMatchObject({ ok: false });
          const exported = JSON.parse((await other('export-user', 'erin')).stdout) as { epochs: Record<string, number> };
          expect(Object.keys(exported.epochs).sort()).toEqual(['browser', 'impersonation', 'remember']);
          expect(await other('prune')).toMatchObject({ code: 0, stdout: 'Deleted 0 expired sessions.\n' });
        } finally {
          bare.remove();
        }
      });
    }
  });
}
