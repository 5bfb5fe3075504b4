import { NextResponse, type NextRequest } from 'next/server';
import { requireSession } from 'session-revocation/fetch';
import { withSessions } from './lib/sessions';

// The account page needs a session: a signed-out or revoked device is sent to /login?next=/
// with a 303 (its dead cookie cleared) before the page renders.
export default withSessions((request: NextRequest) => {
  const refused = requireSession(request);
  if (refused === undefined) return NextResponse.next();
  // Next.js middleware parses a redirect's Location as an absolute URL, while the library
  // answers a relative one: resolved on the Host the request came with, since request.nextUrl
  // names localhost under `next start -H 127.0.0.1`.
  const location = refused.headers.get('location');
  const origin = `${request.nextUrl.protocol}//${request.headers.get('host') ?? request.nextUrl.host}`;
  if (location !== null) refused.headers.set('location', new URL(location, origin).href);
  return refused;
});

export const config = {
  runtime: 'nodejs',
  matcher: ['/'],
};
