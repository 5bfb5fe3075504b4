import { SessionError } from './errors.js';
import { uaParserDeviceParser, type DeviceParser } from './device.js';
import type { SessionEvent } from './events.js';
import type { SessionStore } from './store.js';

const DAY = 24 * 60 * 60 * 1000;

/** Per-kind settings. */
export interface KindOptions {
  /** Absolute lifetime in ms. @default the manager's `maxAge` */
  readonly maxAge?: number;
  /** Idle timeout in ms, 0 for none. @default the manager's `idleTimeout` */
  readonly idleTimeout?: number;
  /**
   * Whether a new session replaces the older one of the same browser + OS.
   * @default true, except for `api`
   */
  readonly replaceDevice?: boolean;
}

/** Who a global-logout decision is about. */
export interface PolicyContext {
  /** The user signing out. */
  readonly userId: string;
  /** The session's tenant, when it has one. */
  readonly tenantId?: string | undefined;
}

/** Revocation policies an account administrator can choose. */
export interface SessionPolicy {
  /**
   * When it returns true, a plain sign-out signs the user out of every device. A function
   * lets the decision follow a per-tenant setting; it may be async.
   * @default false
   */
  readonly globalLogout?: boolean | ((context: PolicyContext) => boolean | Promise<boolean>);
  /**
   * On a password change: `"others"` signs out every other device and gives this one a fresh
   * token; `"all"` signs out this device too.
   * @default "others"
   */
  readonly onPasswordChange?: 'others' | 'all';
}

/** Options of {@link createSessionManager}. Every duration is in milliseconds. */
export interface SessionManagerOptions {
  /** Where sessions live. @default memoryStore() */
  readonly store?: SessionStore;
  /** Absolute lifetime of a session. Must be finite. @default 30 days */
  readonly maxAge?: number;
  /** Sign out after this long without use; 0 turns it off. @default 0 */
  readonly idleTimeout?: number;
  /** `lastUsedAt` is written at most once per interval, so validation stays a read. @default 60_000 */
  readonly touchInterval?: number;
  /** Period of `startPruning()`. @default 3_600_000 (1 hour) */
  readonly pruneInterval?: number;
  /** Rows deleted per store call while pruning. @default 10_000 */
  readonly pruneBatchSize?: number;
  /**
   * Kinds beyond the built-in `browser`, `remember` and `api`, and per-kind settings for any
   * of them. A session's kind must be declared here or built in.
   */
  readonly kinds?: Readonly<Record<string, KindOptions>>;
  /** Kinds "sign out everywhere" covers by default. @default ["browser", "remember"] */
  readonly everywhereKinds?: readonly string[];
  /** Revocation policies. */
  readonly policy?: SessionPolicy;
  /** Turns a User-Agent into browser, OS and device type. @default ua-parser-js 1.0.x */
  readonly deviceParser?: DeviceParser;
  /** The time source; inject one in tests. @default Date.now */
  readonly clock?: () => number;
  /**
   * Receives errors thrown by event listeners and by background pruning. They never reach the
   * action that emitted the event. @default a process warning
   */
  readonly onError?: (error: unknown, event?: SessionEvent) => void;
}

/** Options after defaults, checked once at startup. */
export interface ResolvedOptions {
  readonly touchInterval: number;
  readonly pruneInterval: number;
  readonly pruneBatchSize: number;
  readonly kinds: ReadonlyMap<string, Required<KindOptions>>;
  readonly everywhereKinds: readonly string[];
  readonly globalLogout: (context: PolicyContext) => boolean | Promise<boolean>;
  readonly onPasswordChange: 'others' | 'all';
  readonly deviceParser: DeviceParser;
  readonly clock: () => number;
  readonly onError: (error: unknown, event?: SessionEvent) => void;
}

export const BUILT_IN_KINDS = ['browser', 'remember', 'api'] as const;

/** Fills defaults and refuses contradictions with INVALID_CONFIGURATION. */
export function resolveOptions(options: SessionManagerOptions): ResolvedOptions {
  const maxAge = duration('maxAge', options.maxAge, 30 * DAY, { min: 1 });
  const idleTimeout = duration('idleTimeout', options.idleTimeout, 0, { min: 0 });
  const kinds = new Map<string, Required<KindOptions>>();
  const declared = new Set<string>([...BUILT_IN_KINDS, ...Object.keys(options.kinds ?? {})]);
  for (const kind of declared) {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(kind)) {
      throw new SessionError('INVALID_CONFIGURATION', `Kind "${kind}" must be 1-32 lowercase letters, digits, "_" or "-".`);
    }
    const own = options.kinds?.[kind] ?? {};
    kinds.set(kind, {
      maxAge: duration(`kinds.${kind}.maxAge`, own.maxAge, maxAge, { min: 1 }),
      idleTimeout: duration(`kinds.${kind}.idleTimeout`, own.idleTimeout, idleTimeout, { min: 0 }),
      replaceDevice: own.replaceDevice ?? kind !== 'api',
    });
  }
  const everywhereKinds = options.everywhereKinds ?? ['browser', 'remember'];
  for (const kind of everywhereKinds) {
    if (!kinds.has(kind)) throw new SessionError('INVALID_CONFIGURATION', `everywhereKinds names unknown kind "${kind}".`);
  }
  const policy = options.policy ?? {};
  const globalLogout = policy.globalLogout ?? false;
  if (typeof globalLogout !== 'boolean' && typeof globalLogout !== 'function') {
    throw new SessionError('INVALID_CONFIGURATION', 'policy.globalLogout must be a boolean or a function.');
  }
  const onPasswordChange = policy.onPasswordChange ?? 'others';
  if (onPasswordChange !== 'others' && onPasswordChange !== 'all') {
    throw new SessionError('INVALID_CONFIGURATION', 'policy.onPasswordChange must be "others" or "all".');
  }
  return {
    touchInterval: duration('touchInterval', options.touchInterval, 60_000, { min: 0 }),
    pruneInterval: duration('pruneInterval', options.pruneInterval, 60 * 60 * 1000, { min: 1_000 }),
    pruneBatchSize: duration('pruneBatchSize', options.pruneBatchSize, 10_000, { min: 1 }),
    kinds,
    everywhereKinds,
    globalLogout: typeof globalLogout === 'boolean' ? () => globalLogout : globalLogout,
    onPasswordChange,
    deviceParser: options.deviceParser ?? uaParserDeviceParser,
    clock: options.clock ?? Date.now,
    onError: options.onError ?? defaultOnError,
  };
}

/** A whole, finite number of at least `limits.min` (ms, or a count), else `fallback` when unset. */
export function duration(name: string, value: number | undefined, fallback: number, limits: { min: number }): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < limits.min || !Number.isInteger(value)) {
    throw new SessionError('INVALID_CONFIGURATION', `${name} must be a finite integer >= ${limits.min} (got ${String(value)}).`);
  }
  return value;
}

function defaultOnError(error: unknown, event?: SessionEvent): void {
  const what = event === undefined ? 'background task' : `listener of ${event.type}`;
  process.emitWarning(`session-revocation: a ${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
    code: 'SESSION_REVOCATION_LISTENER',
  });
}
