import { safeNextPath } from 'session-revocation/http';
import { requireSameOrigin } from 'session-revocation/fetch';
import { withSessions } from '../../../lib/sessions';
import { checkPassword } from '../../../lib/users';

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

// The login form posts here. A sign-in forged by another site is refused (403); a store outage
// while signing in is the library's 503, not a 500.
export const POST = withSessions(async (request, sessions) => {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  const form = await request.formData();
  const next = safeNextPath(new URL(request.url).searchParams.get('next'), '/');
  const userId = checkPassword(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
  if (userId === undefined) return seeOther(`/login?error=1&next=${encodeURIComponent(next)}`);
  await sessions.signIn({ userId });
  return seeOther(next);
});
