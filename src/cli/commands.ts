import { BUILT_IN_KINDS, KIND_NAME, KIND_NAME_RULE, type KindOptions } from '../options.js';
import type { TenantState } from '../store.js';
import { confirmed, text, type AnyCommand, type Command, type Flag } from './command.js';
import { CliError, usageError } from './failure.js';
import { SSF_COMMANDS } from './ssf/commands.js';
import { printableJson } from './terminal.js';

const DEFAULT_BATCH = 1_000;
const MAX_BATCH = 100_000;

const YES_FLAG: Flag = { type: 'boolean', help: ['--yes', 'Do not ask for confirmation (for scripts)'] };
const BY_FLAG = (trail: string): Flag => ({ type: 'string', help: ['--by <actor>', `Who did it, for the ${trail} (default: cli)`] });
const KINDS_FLAG = (app: string): Flag => ({ type: 'string', help: ['--kinds all|<kind>,<kind>…', `Session kinds to sign out (default: every kind but api, as "sign out everywhere"${app})`] });

const migrate: Command = {
  name: 'migrate',
  summary: "Create the store's tables (PostgreSQL, MySQL, SQLite); Redis needs none",
  args: [],
  createsDatabase: true,
  flags: {},
  details: 'Safe to run again, and while apps are running: instances migrating at once take turns.',
  async run({ store, output }) {
    output.line(await store.migrate());
  },
};

const list: Command = {
  name: 'list',
  summary: "List a user's live sessions (device, last used, created, IP, tenant, kind, id)",
  args: ['userId'],
  flags: { json: { type: 'boolean', help: ['--json', 'Print the sessions as JSON'] } },
  details:
    'Live: not revoked, not expired, created after the user\'s last "sign out everywhere". Most recently used first.\n' +
    "The app's idle timeout is not known here: a session idle for longer is still listed.",
  async run({ args: [userId], values, manager, output }) {
    const sessions = await manager().list(userId!);
    if (values['json'] === true) return output.line(json(sessions));
    if (sessions.length === 0) return output.line(`No live sessions for user ${userId}.`);
    const rows = sessions.map((session) => [session.deviceLabel, session.lastUsed, isoTime(session.createdAt), session.ip ?? '-', session.tenantId ?? '-', session.kind, session.id]);
    for (const line of table([['DEVICE', 'LAST USED', 'CREATED', 'IP', 'TENANT', 'KIND', 'ID'], ...rows])) output.line(line);
  },
};

const revokeUser: Command = {
  name: 'revoke-user',
  summary: 'Sign a user out everywhere (every session of the chosen kinds)',
  args: ['userId'],
  flags: { kinds: KINDS_FLAG(' in the app'), by: BY_FLAG('audit trail') },
  details:
    'One write however many sessions the user has: every session of those kinds created until now is refused\n' +
    'on its next request, and so are access tokens minted for them. "all" also covers the app\'s own kinds\n' +
    'that the store holds for the user; "all" in a list (all,browser) is "all" too.',
  async run({ args: [userId], values, store, manager, output }) {
    const revoking = await kindsToRevoke(values['kinds'], () => store.store.readUser(userId!, undefined, null));
    const { epochs } = await manager({ kinds: revoking.declared }).revokeAll(userId!, { kinds: revoking.kinds, by: text(values, 'by') ?? 'cli' });
    output.line(`Signed out user ${userId} everywhere ${signedOutUntil(epochs, 'sessions')}`);
    for (const note of notesOn(revoking, `user ${userId}`)) output.line(note);
  },
};

/** `revoke-tenant <tenantId>`: signs out every user of a tenant, by raising the tenant's epochs. */
export const revokeTenant: Command = {
  name: 'revoke-tenant',
  summary: 'Sign out every user of a tenant (a team, an organisation); asks first unless --yes',
  args: ['tenantId'],
  flags: { kinds: KINDS_FLAG(''), by: BY_FLAG("audit trail and the tenant's activity"), yes: YES_FLAG },
  details:
    'One write per kind however many users and sessions the tenant has: every session of those kinds created\n' +
    'with this tenant id until now is refused on its next request, and so are access tokens minted for them.\n' +
    '"all" is every kind: the built-in ones and every kind the tenant has sessions of (the app\'s own kinds, read\n' +
    'from its high-water marks). Without --yes it asks on the terminal; "y" goes on. Needs a store\n' +
    'that keeps tenant epochs.',
  async run({ args: [tenantId], values, store, manager, output }) {
    // A tenant's sessions cannot be listed: its high-water marks name the kinds it has sessions of.
    const revoking = await kindsToRevoke(values['kinds'], () => store.store.readTenant(tenantId!));
    await confirmed(values, output, `Sign out every user of tenant ${tenantId}?`, `Nothing signed out: tenant ${tenantId} was not confirmed`);
    const { epochs } = await manager({ kinds: revoking.declared }).revokeTenant(tenantId!, { kinds: revoking.kinds, by: text(values, 'by') ?? 'cli' });
    output.line(`Signed out tenant ${tenantId} ${signedOutUntil(epochs, 'its sessions')}`);
    for (const note of notesOn(revoking, `tenant ${tenantId}`)) output.line(note);
  },
};

const prune: Command = {
  name: 'prune',
  summary: 'Delete expired sessions in bounded batches',
  args: [],
  flags: { 'batch-size': { type: 'string', help: ['--batch-size <n>', `Rows deleted per store call (default ${DEFAULT_BATCH}, at most ${MAX_BATCH})`] } },
  details:
    'Deletes every session row past its absolute expiry (revoked or not) and deny-list entries that ran out;\n' +
    "epochs, activity and known devices are kept (the apps' own prune applies their retention). Progress goes\n" +
    'to stderr, the total to stdout. Safe next to running apps.',
  async run({ values, manager, output }) {
    const batch = batchSize(text(values, 'batch-size'));
    // Activity and known devices are kept as long as the apps say, which this command does not know: their own prune deletes them.
    const sessions = manager({ pruneBatchSize: batch, activityRetention: Number.MAX_SAFE_INTEGER, knownDeviceWindow: Number.MAX_SAFE_INTEGER });
    const progress = output.progress();
    let total = 0;
    let batches = 0;
    try {
      // One batch per round; the manager answers a short one only when nothing expired is left.
      for (;;) {
        const deleted = await sessions.prune({ limit: batch });
        total += deleted;
        batches += 1;
        progress.update(`pruning: ${total} expired sessions deleted (${batches} ${batches === 1 ? 'batch' : 'batches'} of up to ${batch})`);
        if (deleted < batch) break;
      }
    } finally {
      progress.done();
    }
    output.line(`Deleted ${total} expired ${total === 1 ? 'session' : 'sessions'}.`);
  },
};

/** `stats`: how many session rows the store holds, per kind: live, revoked, expired. */
export const stats: Command = {
  name: 'stats',
  summary: 'Count the stored sessions per kind: live, revoked, expired',
  args: [],
  flags: { json: { type: 'boolean', help: ['--json', 'Print the counts as JSON (kind to { live, revoked, expired })'] } },
  details:
    'Counts rows, not users: live is neither revoked on its own nor past its expiry (a "sign out everywhere"\n' +
    'is not applied, so sessions it ended still count as live until they expire); revoked is a tombstone\n' +
    'kept until its expiry; expired is a row past its expiry, waiting for prune. One read, never a write.',
  async run({ values, store: { store }, output }) {
    if (typeof store.stats !== 'function') throw new CliError('this store cannot count its sessions (it has no stats): upgrade the store to use session-revocation stats');
    // Kinds are data (the store answers a prototype-free object): sort them, read them as entries.
    const counts = await store.stats(Date.now());
    const kinds = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (values['json'] === true) return output.line(json(Object.fromEntries(kinds.map(([kind, { live, revoked, expired }]) => [kind, { live, revoked, expired }]))));
    if (kinds.length === 0) return output.line('No sessions in the store.');
    const sum = (pick: 'live' | 'revoked' | 'expired'): string => String(kinds.reduce((total, [, count]) => total + count[pick], 0));
    const rows = kinds.map(([kind, count]) => [kind, String(count.live), String(count.revoked), String(count.expired)]);
    for (const line of table([['KIND', 'LIVE', 'REVOKED', 'EXPIRED'], ...rows, ['TOTAL', sum('live'), sum('revoked'), sum('expired')]])) output.line(line);
  },
};

const exportUser: Command = {
  name: 'export-user',
  summary: 'Print everything stored about a user as JSON (sessions, epochs, deny-list, activity, devices)',
  args: ['userId'],
  flags: {},
  details:
    'Every session row (revoked and expired ones too) with every field except the hash of its secret and its\n' +
    'state now (live, revoked, expired), the revocation epochs and latest sign-in time per kind, the deny-list of\n' +
    'revoked sessions and, from a store that keeps them, the activity and known devices. Times are ms since 1970.',
  async run({ args: [userId], manager, output }) {
    output.line(json(await manager().exportUser(userId!)));
  },
};

const eraseUser: Command = {
  name: 'erase-user',
  summary: 'Erase what is stored about a user (sessions, deny-list, activity, devices); asks first unless --yes',
  args: ['userId'],
  flags: { yes: YES_FLAG, by: BY_FLAG('audit trail') },
  details:
    'Every session of every kind is signed out first (the revocation epochs are raised, so no old token or access\n' +
    'token works again), then every session row, revoked or not, the deny-list, activity, known devices and links are\n' +
    'deleted. The epochs and latest sign-in times stay: a user id and times, which keep old tokens refused.\n' +
    'Without --yes it asks on the terminal; "y" goes on.',
  async run({ args: [userId], values, manager, output }) {
    await confirmed(values, output, `Erase every session of user ${userId}? This cannot be undone.`, `Nothing erased: user ${userId} was not confirmed`);
    const { deletedSessions } = await manager().eraseUser(userId!, { by: text(values, 'by') ?? 'cli' });
    output.line(`Erased user ${userId}: ${deletedSessions} session${deletedSessions === 1 ? '' : 's'} deleted, every token refused; the revocation epochs stay.`);
  },
};

/** Every command, in the order the help lists them. A new command is one entry here. */
export const COMMANDS: readonly AnyCommand[] = [migrate, list, revokeUser, revokeTenant, prune, stats, exportUser, eraseUser, ...SSF_COMMANDS];

function batchSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BATCH;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_BATCH) throw usageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH}`);
  return Number(value);
}

/**
 * `--kinds` as the manager's options (`all` anywhere in the list means every kind). The kinds the user or tenant has
 * sessions of (`read`: its high-water marks) are declared for this run, so the default, every kind but `api` as "sign out
 * everywhere", covers the app's own too; a named kind of the app's that none was ever stored of is in `unheld` (a typo?).
 */
async function kindsToRevoke(value: string | boolean | undefined, read: () => Promise<Pick<TenantState, 'highWater'>>): Promise<{ kinds: 'all' | string[] | undefined; declared: Record<string, KindOptions>; unheld: string[]; neverStored: boolean }> {
  const listed = value === undefined ? [] : String(value).split(',').map((kind) => kind.trim());
  if (listed.some((kind) => kind === '')) throw usageError('--kinds takes "all" or a comma-separated list of kinds');
  // Checked here, not only by the manager the command makes: a mistyped kind is bad usage.
  const misnamed = listed.find((kind) => !KIND_NAME.test(kind));
  if (misnamed !== undefined) throw usageError(`--kinds: kind "${misnamed}" ${KIND_NAME_RULE}`);
  const all = listed.includes('all');
  const named = [...new Set(listed.filter((kind) => kind !== 'all'))];
  const isOwn = (kind: string): boolean => !(BUILT_IN_KINDS as readonly string[]).includes(kind);
  // The kinds a session was ever stored of: every sign-in raises its kind's high-water mark (kept through prune and erase),
  // the marks "all" reads too; one read, no row. Not the epochs: a kind mistyped once has one, and would be taken for the app's own ever after.
  const stored = Object.keys((await read()).highWater);
  const declared = [...stored, ...named].filter(isOwn).map((kind): [string, KindOptions] => [kind, {}]);
  const unheld = all ? [] : named.filter((kind) => isOwn(kind) && !stored.includes(kind));
  return { kinds: all ? 'all' : value === undefined ? undefined : named, declared: Object.fromEntries(declared), unheld, neverStored: stored.length === 0 };
}

// Said after the result: it was signed out, but an owner or a kind nothing was ever stored of may be misspelt.
const notesOn = ({ unheld, neverStored }: { unheld: readonly string[]; neverStored: boolean }, whose: string): string[] =>
  neverStored ? [`No session was ever stored for ${whose}: check the spelling (and the store's prefix or schema).`]
  : unheld.length > 0 ? [`No session of kind ${unheld.map((kind) => `"${kind}"`).join(', ')} was ever stored for ${whose}: check the spelling.`] : [];

// `(browser, remember): sessions created until <time> are refused.`, from the raised epochs.
const signedOutUntil = (epochs: Readonly<Record<string, number>>, what: string): string =>
  `(${Object.keys(epochs).sort().join(', ')}): ${what} created until ${isoTime(Math.max(...Object.values(epochs)))} are refused.`;

// A time (ms) as an operator reads it: UTC, to the second.
const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A cell is one line: a newline or tab in a stored value (a device name) would forge a row or shift the columns.
function table(cells: ReadonlyArray<readonly string[]>): string[] {
  const rows = cells.map((row) => row.map((cell) => cell.replace(/[\n\t]/g, '?')));
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
}

const json = printableJson;
