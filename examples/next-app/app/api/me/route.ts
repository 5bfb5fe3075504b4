import { requireSession } from 'session-revocation/fetch';
import { withSessions } from '../../../lib/sessions';
import { displayName } from '../../../lib/users';

export const GET = withSessions((request, sessions) => requireSession(request) ?? Response.json({ name: displayName(sessions.userId!) }));
