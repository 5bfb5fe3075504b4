import type { Session } from './session.js';
import type { Epochs, SessionStore } from './store.js';

// Internal, not exported from the package: how the built-in memory store answers a validation
// at once. `get()` returns a promise by contract; a store that holds its rows in this process
// has its answer before the call returns, and the promise (and each `await` above it: the
// manager's, the HTTP layer's, the wrapper's) only defers it. A store with this method lets a
// validation finish in the same tick, and hands over the hash as it keeps it, so no Buffer is
// built per request. Its answers are shape-checked like any store's (`checkLookupNow`).

/** The method's key: a symbol, so it is no part of the store contract an author reads. */
export const getNow: unique symbol = Symbol('session-revocation getNow');

/** What `[getNow](id)` answers: a fresh session object (the caller owns it), its hash and its user's epochs. */
export interface LookupNow {
  readonly session: Session;
  /** SHA-256 of the secret as 32 latin1 characters. */
  readonly secretHash: string;
  readonly epochs: Epochs;
  /** The epochs of the session's tenant, when it has a tenant that was ever revoked. */
  readonly tenantEpochs?: Epochs | undefined;
}

/** A store that can answer `get` synchronously. */
export interface AnswersNow {
  [getNow](sessionId: string): LookupNow | null;
}

/** Whether `store` answers synchronously. */
export function answersNow(store: SessionStore): store is SessionStore & AnswersNow {
  return typeof (store as Partial<AnswersNow>)[getNow] === 'function';
}
