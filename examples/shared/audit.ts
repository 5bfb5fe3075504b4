import type { SessionEvent } from '../../src/index.js';

/** One console line per audit event: what the demo's Activity list shows, for the terminal. */
export function formatEventLine(event: SessionEvent): string {
  const fields: string[] = [new Date(event.at).toISOString(), event.type.padEnd(24), `reason=${event.reason}`];
  if (event.type === 'sessions.pruned') {
    fields.push(`count=${event.count}`);
  } else if (event.type === 'tenant.sessions_invalidated') {
    fields.push(`tenant=${event.tenantId}`, `kinds=${event.kinds.join(',')}`);
    if (event.by !== undefined) fields.push(`by=${event.by}`);
  } else {
    fields.push(`user=${event.userId}`);
    if (event.tenantId !== undefined) fields.push(`tenant=${event.tenantId}`);
    if (event.by !== undefined) fields.push(`by=${event.by}`);
    if (event.type === 'session.created' || event.type === 'session.reauthenticated' || event.type === 'session.reused') fields.push(`device="${event.deviceLabel}"`);
    if (event.type === 'user.session_invalidated') fields.push(`kinds=${event.kinds.join(',')}`);
    if (event.sessionIds !== undefined && event.type !== 'session.created') fields.push(`sessions=${event.sessionIds.length}`);
  }
  return `[audit] ${fields.join(' ')}`;
}
