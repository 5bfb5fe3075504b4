import { DEMO_PASSWORD } from '../../lib/users';

// Next.js 15 hands search parameters over as a promise.
export default async function LoginPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next, error } = await searchParams;
  const action = `/api/login?next=${encodeURIComponent(typeof next === 'string' ? next : '/')}`;
  return (
    <div className="card">
      <h1>Sign in</h1>
      {error === undefined ? null : <p className="error">Wrong username or password.</p>}
      <form method="post" action={action}>
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
      <p className="muted">
        Demo accounts: <code>ada</code> or <code>grace</code>, password <code>{DEMO_PASSWORD}</code>.
      </p>
    </div>
  );
}
