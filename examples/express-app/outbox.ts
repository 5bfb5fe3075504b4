import type Database from 'better-sqlite3';
import type { SessionManager } from '../../src/index.js';
import type { Accounts } from './accounts.js';
import { reusedSentence } from './views/activity.js';

/** One email the demo "sent": a real app hands it to its mail service instead. */
export interface Email {
  readonly id: number;
  readonly at: number;
  readonly to: string;
  readonly subject: string;
  /** The text before the link. */
  readonly text: string;
  /** The "This wasn't me" link, or the password page: a path of this site. */
  readonly link: string;
}

export interface Outbox {
  /** The latest emails, newest first. */
  latest(limit?: number): Email[];
}

interface EmailRow {
  id: number;
  at: number;
  to_email: string;
  subject: string;
  text: string;
  link: string;
}

/** "2026-11-23 06:40 UTC": a time a person reads in an email, whatever their time zone. */
function mailTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * After every sign-in from a device the user has not used lately (`newDevice` on the
 * `session.created` event), emails them with a "This wasn't me" link: the session routes'
 * `/not-me` page (`notMePath`), which asks first and then signs that device out. The demo
 * keeps the emails in its database and shows them on /outbox.
 */
export function createOutbox(
  db: Database.Database,
  options: { sessions: SessionManager; accounts: Accounts; notMePath: string; onError?: (error: unknown) => void },
): Outbox {
  const { sessions, accounts, notMePath, onError = (error) => console.error(error) } = options;
  const insert = db.prepare<[number, string, string, string, string]>('INSERT INTO demo_outbox (at, to_email, subject, text, link) VALUES (?, ?, ?, ?, ?)');
  const latest = db.prepare<[number], EmailRow>('SELECT * FROM demo_outbox ORDER BY id DESC LIMIT ?');
  const trim = db.prepare('DELETE FROM demo_outbox WHERE id <= (SELECT max(id) FROM demo_outbox) - 500');

  const send = async (event: { userId: string; sessionId: string; deviceLabel: string; ip: string | undefined; at: number }): Promise<void> => {
    const user = accounts.userById(event.userId);
    if (user === undefined) return;
    // The link works once, for 7 days; the store keeps only its hash.
    const token = await sessions.issueRevocationLink(event.sessionId);
    // The session ended already (a sign-in replaced at once): nothing to warn about.
    if (token === null) return;
    const text = `New sign-in to your account: ${event.deviceLabel}, IP ${event.ip ?? 'unknown'}, time ${mailTime(event.at)}`;
    insert.run(event.at, user.email, 'New sign-in to your Keystone account', text, `${notMePath}?token=${encodeURIComponent(token)}`);
    trim.run();
  };

  sessions.on('session.created', (event) => {
    // Sign-ins only: a fresh session after a password change is the same device, and support
    // access is never reported as a new device.
    if (!event.newDevice || event.reason !== 'sign_in') return;
    const sessionId = event.sessionIds?.[0];
    if (sessionId === undefined) return;
    send({ userId: event.userId, sessionId, deviceLabel: event.deviceLabel, ip: event.ip, at: event.at }).catch(onError);
  });

  // A rotated-out cookie came back after the grace: the session was ended; say so, and what to do.
  sessions.on('session.reused', (event) => {
    const user = accounts.userById(event.userId);
    if (user === undefined) return;
    insert.run(event.at, user.email, 'We signed out one of your sessions', reusedSentence(event.deviceLabel), '/profile');
    trim.run();
  });

  return {
    latest: (limit = 20) =>
      latest.all(limit).map((row) => ({ id: row.id, at: row.at, to: row.to_email, subject: row.subject, text: row.text, link: row.link })),
  };
}
