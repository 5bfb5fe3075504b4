import type { SessionStore, UserState } from '../store.js';
import { checkUserState } from '../store-answers.js';

/** The store's `readUser` answer, checked: the user's rows only, each once, and with a `sessionId` that row alone (or none). */
export async function readUser(store: SessionStore, userId: string, tenantId?: string, sessionId?: string | null): Promise<UserState> {
  return checkUserState(await store.readUser(userId, tenantId, sessionId), userId, sessionId);
}
