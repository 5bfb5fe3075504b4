import { callBack } from '../events.js';
import { liveUntil } from '../liveness.js';
import type { RevocationNotice } from '../store.js';
import type { SessionLiveness } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { idleTimeoutOf, judgeLookup, readSession } from '../core/live-session.js';

// Notices only say whom to re-read; the store's answer decides, so a lost or duplicated notice costs a read, never a wrong verdict.

/** The revocation feed of one manager; see `SessionManager.watchRevocations`. */
export interface RevocationWatch {
  watch(listener: (notice: RevocationNotice | null) => void): () => void;
  /** Called where this manager revoked sessions of `userId`. */
  revoked(userId: string): void;
  /** Called where this manager revoked every session of a tenant (`revokeTenant`). */
  revokedTenant(tenantId: string): void;
  /** One store read, no write: an open page is not activity, so it does not hold off the idle timeout. */
  liveness(sessionId: string): Promise<SessionLiveness>;
  close(): void;
}

/** The store is subscribed only while someone watches. */
export function createRevocationWatch(context: ManagerContext): RevocationWatch {
  const { store, config } = context;
  const listeners = new Set<(notice: RevocationNotice | null) => void>();
  let unsubscribe: (() => void) | undefined;
  let closed = false;

  const emit = (notice: RevocationNotice | null): void => {
    // A copy: a listener may stop watching (or start) while it is called.
    for (const listener of [...listeners]) callBack(listener, notice, config.onError);
  };

  return {
    watch(listener) {
      if (typeof listener !== 'function') throw new TypeError('watchRevocations() needs a function.');
      context.ensureOpen();
      const entry = (notice: RevocationNotice | null): void => listener(notice);
      listeners.add(entry);
      if (unsubscribe === undefined && store.subscribe !== undefined) unsubscribe = store.subscribe(emit, () => emit(null));
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
      const found = await readSession(context, sessionId);
      if (found === null) return { live: false, reason: 'revoked' };
      const now = config.clock();
      const refused = await judgeLookup(context, found, now);
      if (refused !== undefined) return { live: false, reason: refused };
      // A duration rather than a time: the caller's timers run on real time, not on the manager's clock.
      return { live: true, remaining: liveUntil(found.session, idleTimeoutOf(config, found.session.kind)) - now };
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
