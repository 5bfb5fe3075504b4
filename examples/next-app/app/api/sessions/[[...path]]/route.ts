import { routes, withSessions } from '../../../../lib/sessions';

// GET /api/sessions, DELETE /api/sessions/:id, POST /api/sessions/sign-out-others,
// POST /api/sessions/sign-out-everywhere...: the library answers them all.
const handle = withSessions(async (request) => (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 }));

export { handle as DELETE, handle as GET, handle as POST };
