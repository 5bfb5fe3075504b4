import { invalidInput, SessionError } from '../../src/errors.js';
import type { Epochs, NewSessionRecord, SessionLimit, SessionRecord, SessionStore } from '../../src/store.js';
import { activityArgs, activityDue } from './capabilities.js';
import { encodeFields, list, numeric, text } from './codec.js';
import { bucketOfSession, bucketOfUser, type Layout } from './layout.js';
import type { DueMark } from './prune.js';
import type { DurableRunner, RunScript } from './scripts/run.js';
import { createScript, tenantMarkScript } from './scripts/sessions.js';

// Sign-in: the Redis store's largest step (device replacement, the session cap and the
// tenant's epoch in one script), apart from the rest of the store.

/** What sign-in needs from the store that owns it. */
export interface SignInContext {
  readonly layout: Layout;
  readonly durable: DurableRunner;
  readonly run: RunScript;
  readonly readTenantEpochs: (tenantId: string) => Promise<Epochs>;
  readonly noteDue: (...marks: (DueMark | undefined)[]) => void;
  /** Redis Cluster: a tenant's keys are on another slot than its users'. */
  readonly clustered: boolean;
}

/** The store's `create`. */
export function createSignIn({ layout, durable, run, readTenantEpochs, noteDue, clustered }: SignInContext): SessionStore['create'] {
  const due = (bucket: string, score: number): DueMark => ({ bucket, score, lane: 'main' });
return async function create(record, createOptions) {
    checkRecord(record);
    const { denyUntil, limit, activity } = createOptions;
    if (limit !== undefined) checkLimit(limit);
    const bucket = bucketOfUser(record.userId);
    if (bucketOfSession(record.id) !== bucket) {
      throw invalidInput('A Redis session id must start with sessionIdPrefix(userId) so it lives on its user\'s slot.');
    }
    const user = layout.user(bucket, record.userId);
    const tenant = record.tenantId === undefined ? undefined : layout.tenant(record.tenantId);
    const written = activityArgs(activity);
    // The entries derived for replaced and evicted sessions share these fields.
    const derived = activity === undefined ? '' : `${JSON.stringify({ userId: activity.userId, tenantId: activity.tenantId, type: 'session.revoked', at: activity.at }).slice(1, -1)},`;
    // On a single server the script reads and raises the tenant's epoch and mark itself. On a
    // cluster it cannot reach the tenant's slot: the epoch is read before, and the mark raised
    // after, the insert (see tenantMarkScript for why that order keeps the tenant epochs of `TenantStore` sound). The
    // script judges the user's rows of this tenant only, so no other tenant's epoch is needed.
    let tenantSource = '';
    if (tenant !== undefined && !clustered) tenantSource = 'k';
    if (tenant !== undefined && clustered) tenantSource = String((await readTenantEpochs(record.tenantId!))[record.kind] ?? 0);
    const sameSlot = tenant !== undefined && !clustered;
    const reply = list(
      await durable.runSignIn(
        createScript,
        [
          layout.session(bucket, record.id),
          user.index,
          user.epochs,
          user.marks,
          record.deviceKey === undefined ? user.index : user.device(record.kind, record.deviceKey),
          layout.queue(bucket),
          layout.activityQueue(bucket),
          sameSlot ? tenant.epochs : user.epochs,
          sameSlot ? tenant.marks : user.marks,
        ],
        [
          record.id,
          record.userId,
          record.kind,
          String(record.createdAt),
          String(record.maxAge),
          createOptions.replaceDevice ? '1' : '0',
          denyUntil === undefined ? '' : String(denyUntil),
          record.deviceKey === undefined ? '' : '1',
          layout.sessionPrefix(bucket),
          layout.userPrefix(bucket),
          layout.channel,
          String(record.authenticatedAt),
          limit === undefined ? '' : String(limit.max),
          limit?.onLimit === 'refuse' ? '1' : '',
          limit === undefined ? '' : String(limit.idleBefore),
          tenantSource,
          record.tenantId ?? '',
          ...written,
          derived,
          ...encodeFields(record),
        ],
        // A sign-in that replaced or evicted a session is a revocation: it must hold like one.
        (raw) => Array.isArray(raw) && [raw[3], raw[4]].some((ids) => Array.isArray(ids) && ids.length > 0),
      ),
      'create',
    );
    const outcome = numeric(reply[0], 'create');
    if (outcome === 0) throw invalidInput('A session with this id already exists.');
    if (outcome === 2) throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
    const createdAt = numeric(reply[1], 'create');
    const expiresAt = numeric(reply[2], 'create');
    const replacedIds = list(reply[3], 'create').map((id) => text(id, 'create'));
    const evictedIds = list(reply[4], 'create').map((id) => text(id, 'create'));
    if (tenant !== undefined && clustered) await run(tenantMarkScript, [tenant.marks], [record.kind, String(createdAt), String(expiresAt)]);
    const revoked = replacedIds.length > 0 || evictedIds.length > 0;
    noteDue(due(bucket, revoked && denyUntil !== undefined ? Math.min(expiresAt, denyUntil) : expiresAt), activityDue(user.activity, activity));
    const { maxAge: _maxAge, persistent, ...fields } = record;
    const session: SessionRecord = {
      ...fields,
      secretHash: Buffer.from(record.secretHash),
      createdAt,
      expiresAt,
      lastUsedAt: createdAt,
      persistent: persistent === false ? false : undefined,
    };
    return { session, replacedIds, evictedIds };
  };
}

// Numbers go to Lua as text; a NaN would only surface there as an obscure script error.
function checkRecord(record: NewSessionRecord): void {
  if (!Number.isFinite(record.createdAt) || !Number.isFinite(record.authenticatedAt) || !Number.isFinite(record.maxAge) || record.maxAge <= 0) {
    throw invalidInput('createdAt, authenticatedAt and maxAge must be finite numbers, maxAge above 0.');
  }
}

function checkLimit(limit: SessionLimit): void {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !Number.isFinite(limit.idleBefore)) {
    throw invalidInput('A session limit needs a whole max of at least 1 and a finite idleBefore.');
  }
}
