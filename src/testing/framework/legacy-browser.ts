// A form POST's `Origin` from a browser without Fetch Metadata (Safari < 16.4, Firefox < 90), as the page's `Referrer-Policy` shapes it.

const POLICIES = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

/** The policy a browser applies from a `Referrer-Policy` header: the last value it knows. */
function effectivePolicy(header: string | null): string {
  const known = (header ?? '')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter((value) => POLICIES.has(value));
  return known.at(-1) ?? 'strict-origin-when-cross-origin';
}

/** The `Origin` header of a POST from a page at `pageUrl` (served with `referrerPolicy`) to `targetUrl`: the page's origin, or `"null"` where the policy withholds it. */
export function originOfFormPost(referrerPolicy: string | null, pageUrl: string, targetUrl: string): string {
  const page = new URL(pageUrl);
  const target = new URL(targetUrl);
  const downgrade = page.protocol === 'https:' && target.protocol !== 'https:';
  switch (effectivePolicy(referrerPolicy)) {
    case 'no-referrer':
      return 'null';
    case 'same-origin':
      return page.origin === target.origin ? page.origin : 'null';
    case 'no-referrer-when-downgrade':
    case 'strict-origin':
    case 'strict-origin-when-cross-origin':
      return downgrade ? 'null' : page.origin;
    default:
      return page.origin;
  }
}
