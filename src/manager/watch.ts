import { refusal } from '../session.js';
import { checkLookup, sessionEpoch } from '../store-answers.js';
import type { RevocationNotice } from '../store.js';
import type { ManagerContext } from './context.js';

// Live sign-out of open pages: the HTTP layer's event streams hear of every revocation through
// `watchRevocations` and then re-read their one session. The notices only say whom to re-read;
// what decides is always the store's answer, so a lost or duplicated notice costs a read, never
// a wrong verdict.

/** What {@link SessionLiveness} says of a session that is no longer live. */
export type EndedReason = 'revoked' | 'expired' | 'idle';

/** The answer of the liveness check: live for `remaining` more ms (unless revoked before), or ended and why. */
export type SessionLiveness = { readonly live: true; readonly remaining: number } | { readonly live: false; readonly reason: EndedReason };

/** The manager's internal liveness check, keyed by a symbol so it is no part of the public API. */
export const sessionLiveness: unique symbol = Symbol('session-revocation sessionLiveness');

/** A manager with the internal liveness check (it was made by this copy of the package). */
export interface ChecksLiveness {
  [sessionLiveness](sessionId: string): Promise<SessionLiveness>;
}

/** The revocation feed of one manager; see `SessionManager.watchRevocations`. */
export interface RevocationWatch {
  watch(listener: (notice: RevocationNotice | null) => void): () => void;
  /** Called where this manager revoked sessions of `userId`. */
  revoked(userId: string): void;
  /** Called where this manager revoked every session of a tenant (`revokeTenant`). */
  revokedTenant(tenantId: string): void;
  /**
   * One store read, no write: whether the session is live now (the manager's three conditions,
   * the tenant's epoch and idleness) and for how long it stays so unless revoked. Never touches
   * the session: an open page is not activity, so it does not hold off the idle timeout.
   */
  liveness(sessionId: string): Promise<SessionLiveness>;
  close(): void;
}

const ENDED = {
  revoked: Object.freeze({ live: false, reason: 'revoked' }),
  expired: Object.freeze({ live: false, reason: 'expired' }),
  idle: Object.freeze({ live: false, reason: 'idle' }),
} as const satisfies Record<EndedReason, SessionLiveness>;

/** Builds the feed over the manager's context. The store is subscribed only while someone watches. */
export function createRevocationWatch(context: ManagerContext): RevocationWatch {
  const { store, config, calls } = context;
  const listeners = new Set<(notice: RevocationNotice | null) => void>();
  let unsubscribe: (() => void) | undefined;
  let closed = false;

  const emit = (notice: RevocationNotice | null): void => {
    // A copy: a listener may stop watching (or start) while it is called.
    for (const listener of [...listeners]) {
      try {
        listener(notice);
      } catch (error) {
        config.onError(error);
      }
    }
  };

  return {
    watch(listener) {
      if (typeof listener !== 'function') throw new TypeError('watchRevocations() needs a function.');
      context.ensureOpen();
      const entry = (notice: RevocationNotice | null): void => listener(notice);
      listeners.add(entry);
      if (unsubscribe === undefined && store.subscribe !== undefined) {
        unsubscribe = store.subscribe(
          (notice) => emit(notice),
          () => emit(null),
        );
      }
      return () => {
        if (!listeners.delete(entry) || listeners.size > 0) return;
        unsubscribe?.();
        unsubscribe = undefined;
      };
    },
    revoked(userId) {
      if (!closed) emit({ userId });
    },
    revokedTenant(tenantId) {
      // Shaped as the store's own tenant notice: an empty user id.
      if (!closed) emit({ userId: '', tenantId });
    },
    async liveness(sessionId) {
      context.ensureOpen();
      const found = checkLookup(await calls.call('get', () => store.get(sessionId)), sessionId);
      if (found === null) return ENDED.revoked;
      const { session, epochs, tenantEpochs } = found;
      // Judged as validate() judges it: the user's epoch, or the tenant's when later.
      const epoch = sessionEpoch(session, epochs, tenantEpochs, 'get');
      const idleTimeout = config.kinds.get(session.kind)?.idleTimeout ?? 0;
      const now = config.clock();
      const refused = refusal(session, epoch, now, idleTimeout);
      if (refused !== undefined) return ENDED[refused];
      const until = idleTimeout > 0 ? Math.min(session.expiresAt, session.lastUsedAt + idleTimeout) : session.expiresAt;
      // A duration rather than a time: the caller's timers run on real time, not on the manager's clock.
      return { live: true, remaining: until - now };
    },
    close() {
      closed = true;
      unsubscribe?.();
      unsubscribe = undefined;
      // Every watcher hears once more, finds the manager closed, and ends its stream.
      emit(null);
      listeners.clear();
    },
  };
}
