import type Database from 'better-sqlite3';
import type { SessionEvent } from '../../src/index.js';
import { formatEventLine } from '../shared/audit.js';

/** One audit event as the Activity lists show it. */
export interface ActivityEntry {
  readonly id: number;
  readonly at: number;
  readonly type: SessionEvent['type'];
  readonly reason: string;
  readonly userId: string | null;
  readonly tenantId: string | null;
  readonly by: string | null;
  /** A device label, or how many sessions an action ended. */
  readonly detail: string | null;
}

export interface Activity {
  /** Stores the event and prints it: the session manager's `"*"` listener. */
  record(event: SessionEvent): void;
  forUser(userId: string, limit?: number): ActivityEntry[];
  forTenant(tenantId: string, limit?: number): ActivityEntry[];
}

interface ActivityRow {
  id: number;
  at: number;
  type: SessionEvent['type'];
  reason: string;
  user_id: string | null;
  tenant_id: string | null;
  by: string | null;
  detail: string | null;
}

const toEntry = (row: ActivityRow): ActivityEntry => ({
  id: row.id,
  at: row.at,
  type: row.type,
  reason: row.reason,
  userId: row.user_id,
  tenantId: row.tenant_id,
  by: row.by,
  detail: row.detail,
});

function detailOf(event: SessionEvent): string | null {
  switch (event.type) {
    case 'session.created':
    case 'session.reauthenticated':
      return event.deviceLabel;
    case 'sessions.pruned':
      return String(event.count);
    case 'tenant.sessions_invalidated':
      return null;
    default:
      return event.sessionIds === undefined ? null : String(event.sessionIds.length);
  }
}

/** Keeps the last events in the demo database and hands each one to `log`. */
export function createActivity(db: Database.Database, log: (line: string) => void): Activity {
  const insert = db.prepare<[number, string, string, string | null, string | null, string | null, string | null]>(
    'INSERT INTO demo_activity (at, type, reason, user_id, tenant_id, by, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const ofUser = db.prepare<[string, number], ActivityRow>('SELECT * FROM demo_activity WHERE user_id = ? ORDER BY id DESC LIMIT ?');
  const ofTenant = db.prepare<[string, number], ActivityRow>('SELECT * FROM demo_activity WHERE tenant_id = ? ORDER BY id DESC LIMIT ?');
  const trim = db.prepare('DELETE FROM demo_activity WHERE id <= (SELECT max(id) FROM demo_activity) - 5000');

  return {
    record(event) {
      log(formatEventLine(event));
      const userId = event.type === 'sessions.pruned' || event.type === 'tenant.sessions_invalidated' ? null : event.userId;
      const tenantId = event.type === 'sessions.pruned' ? null : (event.tenantId ?? null);
      const by = event.type === 'sessions.pruned' ? null : (event.by ?? null);
      insert.run(event.at, event.type, event.reason, userId, tenantId, by, detailOf(event));
      trim.run();
    },
    forUser: (userId, limit = 8) => ofUser.all(userId, limit).map(toEntry),
    forTenant: (tenantId, limit = 12) => ofTenant.all(tenantId, limit).map(toEntry),
  };
}
