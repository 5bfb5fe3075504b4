'use client';

import { useCallback, useEffect, useState } from 'react';

/** A row of GET /api/sessions (the library's SessionView, as JSON). */
interface SessionRow {
  readonly id: string;
  readonly deviceLabel: string;
  readonly lastUsed: string;
  readonly current: boolean;
}

async function call(path: string, method: 'GET' | 'POST' | 'DELETE'): Promise<Response> {
  const response = await fetch(path, { method, headers: { accept: 'application/json' } });
  // Signed out, revoked or expired meanwhile: back to the login page.
  if (response.status === 401) window.location.assign('/login?next=/');
  return response;
}

/** The "Login management" card: every signed-in device, log out one, log out the others, sign out everywhere. */
export function LoginManagement() {
  const [name, setName] = useState<string>();
  const [rows, setRows] = useState<readonly SessionRow[]>();
  const [problem, setProblem] = useState<string>();

  const refresh = useCallback(async () => {
    const [me, list] = await Promise.all([call('/api/me', 'GET'), call('/api/sessions', 'GET')]);
    if (!me.ok || !list.ok) {
      setProblem(me.status === 503 || list.status === 503 ? 'Sessions are unavailable right now. Try again in a moment.' : undefined);
      return;
    }
    setName(((await me.json()) as { name: string }).name);
    setRows((await list.json()) as SessionRow[]);
    setProblem(undefined);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function act(path: string, method: 'POST' | 'DELETE'): Promise<void> {
    const response = await call(path, method);
    if (response.status === 503) setProblem('Sessions are unavailable right now. Nothing was changed.');
    else await refresh();
  }

  async function signOutEverywhere(): Promise<void> {
    const response = await call('/api/sessions/sign-out-everywhere', 'POST');
    if (response.ok) window.location.assign('/login');
    else setProblem('Sessions are unavailable right now. Nothing was changed.');
  }

  return (
    <>
      {name === undefined ? null : <p data-testid="signed-in-as">Signed in as {name}</p>}
      {problem === undefined ? null : <p className="error">{problem}</p>}
      <section className="card" aria-labelledby="login-management">
        <h2 id="login-management">Login management</h2>
        {rows === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="sessions">
            {rows.map((row) => (
              <li key={row.id} data-testid="session-row">
                <span>
                  <strong className="device-label">{row.deviceLabel}</strong>
                  <br />
                  <span className="muted">Last used {row.lastUsed.toLowerCase()}</span>
                </span>
                {row.current ? (
                  <span className="badge">Current session</span>
                ) : (
                  <button type="button" aria-label={`Log out ${row.deviceLabel}`} onClick={() => void act(`/api/sessions/${row.id}`, 'DELETE')}>
                    Log out
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <button type="button" disabled={rows === undefined || rows.length < 2} onClick={() => void act('/api/sessions/sign-out-others', 'POST')}>
          Log out other devices
        </button>
      </section>
      <section className="card" aria-labelledby="everywhere">
        <h2 id="everywhere">Sessions</h2>
        <p className="muted">Sign out of every device, this one included.</p>
        <button type="button" className="danger" onClick={() => void signOutEverywhere()}>
          Sign out everywhere
        </button>
      </section>
    </>
  );
}
