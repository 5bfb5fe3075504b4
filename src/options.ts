import type { AccessTokenOptions } from './access-tokens/index.js';
import { checkStore } from './store-check.js';
import { checkAccessTokenOptions } from './access-tokens/check-options.js';
import { uaParserDeviceParser, type DeviceParser } from './device.js';
import { callBack, type SessionEvent } from './events.js';
import { callable, duration, integer, invalidConfiguration, isObject, MAX_TIMER_DELAY, oneOf, optionsObject } from './option-checks.js';
import type { IpPolicy } from './ip-policy.js';
import { KIND_OPTIONS, MAX_SESSION_AGE, resolveKind, type KindOptions } from './kind-options.js';
import type { SessionStore } from './store.js';

export type { KindOptions } from './kind-options.js';

const DAY = 24 * 60 * 60 * 1000;

/** Who a global-logout decision is about. */
export interface PolicyContext {
  /** The user signing out. */
  readonly userId: string;
  /** The session's tenant, when it has one. */
  readonly tenantId?: string | undefined;
}

/** Revocation policies an account administrator can choose. */
export interface SessionPolicy {
  /** When true, a plain sign-out (not a support session's) signs the user out of every device (a function may follow a per-tenant setting, and be async: the sign-out waits for its answer, and one that throws fails the sign-out, which ends nothing). @default false */
  readonly globalLogout?: boolean | ((context: PolicyContext) => boolean | Promise<boolean>);
  /** On a password change: `"others"` signs out every other device and gives this one a fresh token; `"all"` signs out this device too. @default "others" */
  readonly onPasswordChange?: 'others' | 'all';
}

/** Options of {@link createSessionManager}. Every duration is in milliseconds. */
export interface SessionManagerOptions {
  /** Where sessions live. @default memoryStore() */
  readonly store?: SessionStore;
  /** Absolute lifetime of a session, at most 100 years. @default 30 days */
  readonly maxAge?: number;
  /** Sign out after this long without use; 0 turns it off. @default 0 */
  readonly idleTimeout?: number;
  /** `lastUsedAt` is written at most once per interval (and per half a kind's `idleTimeout`, if shorter), so validation stays a read. @default 60_000 */
  readonly touchInterval?: number;
  /** Period of `startPruning()`, in ms (from 1,000 to 2,147,483,647, the longest delay a Node timer keeps). @default 3_600_000 (1 hour) */
  readonly pruneInterval?: number;
  /** Rows deleted per store call while pruning. @default 10_000 */
  readonly pruneBatchSize?: number;
  /** Kinds beyond the built-in `browser`, `remember` and `api`, and per-kind settings for any of them. */
  readonly kinds?: Readonly<Record<string, KindOptions>>;
  /** Kinds "sign out everywhere" covers by default; support sessions (`impersonation`) always, listed or not, so the user can end one. @default every kind but `api`, the app's own kinds included */
  readonly everywhereKinds?: readonly string[];
  /** Revocation policies. */
  readonly policy?: SessionPolicy;
  /** Turns a User-Agent into browser, OS and device type. @default ua-parser-js 1.0.x */
  readonly deviceParser?: DeviceParser;
  /**
   * The longest the manager waits for any one store call before rejecting with `STORE_UNAVAILABLE`
   * (HTTP 503, cookie kept, nobody let in); a store's longer `callTimeout` wins. 0 turns it off. An operation
   * rejected so sends no batch afterwards (a batch already sent may still land). A request whose rotation's answer is lost asks once more,
   * so it may wait about twice as long. @default 5_000
   */
  readonly storeTimeout?: number;
  /**
   * How long after the user last proved who they are (sign-in or `reauthenticated`) a session
   * counts as fresh for sensitive actions (`isFresh`, `requireFresh`). @default 600_000 (10 minutes)
   */
  readonly freshAge?: number;
  /**
   * The most live sessions a user may have of each kind, in each tenant: a number caps every kind, an object the kinds it
   * names (`{ browser: 3 }`). Enforced atomically at sign-in; what happens at the cap is `onMaxSessions`. @default no cap
   */
  readonly maxSessions?: number | Readonly<Record<string, number>>;
  /**
   * At the `maxSessions` cap, a sign-in revokes the least recently used session of the kind and tenant (`"evict-oldest"`, reason `session_limit`) or
   * is refused with `SESSION_LIMIT` (`"refuse"`), the error listing those sessions so the user can end one. Idle sessions count, and go first when
   * room is needed, whichever is set: they are never a reason to refuse. @default "evict-oldest"
   */
  readonly onMaxSessions?: 'evict-oldest' | 'refuse';
  /**
   * What is kept of a client's IP before anything is stored: `"full"`, `"truncate"` (IPv4 /24, IPv6 /48) or `"none"`. Under `"none"` new-device
   * checks leave the network out too: a device is its browser and OS. @default "full"
   */
  readonly ipPolicy?: IpPolicy;
  /** How long account activity (`activity()`) is kept before pruning removes it. @default 7_776_000_000 (90 days) */
  readonly activityRetention?: number;
  /**
   * A sign-in from a browser, OS and network the user has not used within this window is a new device (`session.created`
   * with `newDevice: true`). Known devices not seen for this long are forgotten by pruning. @default 7_776_000_000 (90 days)
   */
  readonly knownDeviceWindow?: number;
  /** The time source (ms; a fraction is dropped); inject one in tests. @default Date.now */
  readonly clock?: () => number;
  /**
   * Receives what goes wrong out of a caller's sight: errors of event listeners, background pruning, and work done after an
   * action (an activity entry written after a revocation, a poll's acknowledgement that failed). It may be async: what it
   * throws, or its promise rejects, becomes a process warning. @default a process warning
   */
  readonly onError?: (error: unknown, event?: SessionEvent) => void;
}

/** Options of {@link createSessionManager}, including stateless access tokens. */
export interface CreateSessionManagerOptions extends SessionManagerOptions {
  /** Enables `issueAccessToken` / `verifyAccessToken`. */
  readonly accessTokens?: AccessTokenOptions;
  /**
   * How long (ms) access-token verification may trust a cached copy of a user's epochs and deny-list: the propagation window
   * for stores that do not publish revocations. 0 reads the store every time. @default 1_000
   */
  readonly epochCacheTtl?: number;
  /** Users kept in the epoch cache (least recently used leave first); a whole number, 0 keeps none. @default 10_000 */
  readonly epochCacheSize?: number;
}

// The options kept as given (checked, defaults filled); the others are resolved into another shape.
type KeptAsGiven =
  | 'touchInterval' | 'pruneInterval' | 'pruneBatchSize' | 'everywhereKinds' | 'deviceParser' | 'clock' | 'freshAge' | 'onMaxSessions' | 'ipPolicy'
  | 'activityRetention' | 'knownDeviceWindow' | 'onError' | 'storeTimeout' | 'epochCacheTtl' | 'epochCacheSize';

/** Options after defaults, checked once at startup. */
export interface ResolvedOptions extends Required<Pick<CreateSessionManagerOptions, KeptAsGiven>> {
  readonly kinds: ReadonlyMap<string, Required<KindOptions>>;
  readonly globalLogout: (context: PolicyContext) => boolean | Promise<boolean>;
  readonly onPasswordChange: 'others' | 'all';
  /** The cap per kind; a kind without one is absent. */
  readonly maxSessions: ReadonlyMap<string, number>;
}

export const BUILT_IN_KINDS = ['browser', 'remember', 'api', 'impersonation'] as const;

/** A support session (`impersonate`) lasts an hour unless its kind or the call says otherwise. */
const IMPERSONATION_MAX_AGE = 60 * 60 * 1000;

const MANAGER_OPTIONS = [
  'store', 'maxAge', 'idleTimeout', 'touchInterval', 'pruneInterval', 'pruneBatchSize', 'kinds', 'everywhereKinds', 'policy', 'deviceParser', 'storeTimeout',
  'freshAge', 'maxSessions', 'onMaxSessions', 'ipPolicy', 'activityRetention', 'knownDeviceWindow', 'clock', 'onError', 'accessTokens', 'epochCacheTtl', 'epochCacheSize',
];
const POLICY_OPTIONS = ['globalLogout', 'onPasswordChange'];
/** What a kind's name may be: a lowercase letter, then up to 31 lowercase letters, digits, `_` or `-`. */
export const KIND_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
/** {@link KIND_NAME} in words, for the messages that refuse a name. */
export const KIND_NAME_RULE = 'must be 1-32 lowercase letters, digits, "_" or "-"';

/**
 * Fills defaults and checks every option's type and range, refusing unknown keys and
 * contradictions with `INVALID_CONFIGURATION`: nothing wrong is found later, on first use.
 */
export function resolveOptions(input: CreateSessionManagerOptions | undefined): ResolvedOptions {
  const options = optionsObject('createSessionManager() options', input, MANAGER_OPTIONS);
  if (options.store !== undefined) checkStore(options.store);
  const maxAge = duration('maxAge', options.maxAge, 30 * DAY, { min: 1, max: MAX_SESSION_AGE });
  const idleTimeout = duration('idleTimeout', options.idleTimeout, 0, { min: 0 });
  const kindOptions = optionsObject<Readonly<Record<string, KindOptions>>>('kinds', options.kinds, Object.keys(options.kinds ?? {}));
  const kinds = new Map<string, Required<KindOptions>>();
  for (const kind of new Set<string>([...BUILT_IN_KINDS, ...Object.keys(kindOptions)])) {
    if (!KIND_NAME.test(kind)) throw invalidConfiguration(`Kind "${kind}" ${KIND_NAME_RULE}.`);
    const own = optionsObject<KindOptions>(`kinds.${kind}`, Object.hasOwn(kindOptions, kind) ? kindOptions[kind] : undefined, KIND_OPTIONS);
    const defaults = { maxAge: kind === 'impersonation' ? Math.min(maxAge, IMPERSONATION_MAX_AGE) : maxAge, idleTimeout };
    kinds.set(kind, resolveKind(kind, own, defaults));
  }
  // An app's own kind is covered unless left out by name: a kind forgotten here would outlive a password reset.
  let everywhereKinds = options.everywhereKinds ?? [...kinds.keys()].filter((kind) => kind !== 'api');
  if (!Array.isArray(everywhereKinds) || everywhereKinds.length === 0) throw invalidConfiguration('everywhereKinds must be a non-empty list of kinds.');
  for (const kind of everywhereKinds) {
    if (typeof kind !== 'string' || !kinds.has(kind)) throw invalidConfiguration(`everywhereKinds names unknown kind "${String(kind)}".`);
  }
  // Support access ends with the user's sign out everywhere, whatever the list: a user must be able to end it.
  if (!everywhereKinds.includes('impersonation')) everywhereKinds = [...everywhereKinds, 'impersonation'];
  const policy = optionsObject<SessionPolicy>('policy', options.policy, POLICY_OPTIONS);
  const globalLogout = policy.globalLogout ?? false;
  if (typeof globalLogout !== 'boolean' && typeof globalLogout !== 'function') throw invalidConfiguration('policy.globalLogout must be a boolean or a function.');
  if (options.accessTokens !== undefined) checkAccessTokenOptions(options.accessTokens);
  return {
    touchInterval: duration('touchInterval', options.touchInterval, 60_000, { min: 0 }),
    pruneInterval: duration('pruneInterval', options.pruneInterval, 60 * 60 * 1000, { min: 1_000, max: MAX_TIMER_DELAY }),
    pruneBatchSize: integer('pruneBatchSize', options.pruneBatchSize, 10_000, { min: 1 }),
    kinds,
    everywhereKinds,
    globalLogout: typeof globalLogout === 'boolean' ? () => globalLogout : globalLogout,
    onPasswordChange: oneOf('policy.onPasswordChange', policy.onPasswordChange, ['others', 'all'], 'others'),
    deviceParser: callable('deviceParser', options.deviceParser, uaParserDeviceParser),
    // Whole milliseconds everywhere: stores keep integers, and access tokens carry them.
    clock: options.clock === undefined ? Date.now : wholeMilliseconds(callable('clock', options.clock, Date.now)),
    freshAge: duration('freshAge', options.freshAge, 10 * 60 * 1000, { min: 1 }),
    maxSessions: resolveMaxSessions(options.maxSessions, kinds),
    onMaxSessions: oneOf('onMaxSessions', options.onMaxSessions, ['evict-oldest', 'refuse'], 'evict-oldest'),
    ipPolicy: oneOf<IpPolicy>('ipPolicy', options.ipPolicy, ['full', 'truncate', 'none'], 'full'),
    activityRetention: duration('activityRetention', options.activityRetention, 90 * DAY, { min: 1 }),
    knownDeviceWindow: duration('knownDeviceWindow', options.knownDeviceWindow, 90 * DAY, { min: 1 }),
    onError: neverThrowing(callable('onError', options.onError, defaultOnError)),
    storeTimeout: duration('storeTimeout', options.storeTimeout, 5_000, { min: 0 }),
    epochCacheTtl: duration('epochCacheTtl', options.epochCacheTtl, 1_000, { min: 0 }),
    epochCacheSize: integer('epochCacheSize', options.epochCacheSize, 10_000, { min: 0 }),
  };
}

// A number caps every kind; an object caps the declared kinds it names.
function resolveMaxSessions(value: unknown, kinds: ReadonlyMap<string, unknown>): ReadonlyMap<string, number> {
  const caps = new Map<string, number>();
  if (value === undefined) return caps;
  if (typeof value === 'number') {
    const max = integer('maxSessions', value, 0, { min: 1 });
    for (const kind of kinds.keys()) caps.set(kind, max);
    return caps;
  }
  if (!isObject(value)) throw invalidConfiguration('maxSessions must be a whole number >= 1 or an object of kind to number.');
  for (const [kind, max] of Object.entries(value)) {
    if (!kinds.has(kind)) throw invalidConfiguration(`maxSessions names unknown kind "${kind}".`);
    caps.set(kind, integer(`maxSessions.${kind}`, max, 0, { min: 1 }));
  }
  return caps;
}

// A reporter that throws or rejects becomes a process warning, never an unhandled rejection.
function neverThrowing(report: (error: unknown, event?: SessionEvent) => void): (error: unknown, event?: SessionEvent) => void {
  return (error, event) => callBack((reported: unknown) => report(reported, event), error, (thrown) => defaultOnError(thrown, event));
}

function defaultOnError(error: unknown, event?: SessionEvent): void {
  const what = event === undefined ? 'background task' : `listener of ${event.type}`;
  process.emitWarning(`session-revocation: a ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { code: 'SESSION_REVOCATION_LISTENER' });
}

function wholeMilliseconds(clock: () => number): () => number {
  return () => {
    const now = Math.floor(clock());
    // A time that is no number would reach a store as nothing: a revocation at that time would not hold.
    if (!Number.isFinite(now)) throw invalidConfiguration(`clock() must return the time in ms (it returned ${String(now)}).`);
    return now;
  };
}
