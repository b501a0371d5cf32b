import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { LoginDocument } from '../generated/graphql.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { session } from './session.ts';

// The README's demo accounts, offered so that a new user can look around at once.
const DEMO = [
  { id: '89638599', password: '400820', who: 'Consumer (seed 000)' },
  { id: '89638600', password: 'lilei-pass', who: 'Consumer Li Lei' },
  { id: '10000001', password: 'operator-pass', who: 'Operator' },
  { id: '10000002', password: 'admin-pass', who: 'Admin' },
];

export function LoginPage() {
  const { search } = useLocation();
  const [consumerId, setConsumerId] = useState('');
  const [password, setPassword] = useState('');
  const [login, { data, loading, error }] = useMutation(LoginDocument);
  const ended = session.endedBecause();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await login({ variables: { consumerId, password } }).catch(() => null);
    const payload = result?.data?.login;
    if (payload?.token && payload.refreshToken && payload.tokenExpiresAt && payload.consumer) {
      const { token, refreshToken, tokenExpiresAt, consumer } = payload;
      session.start({ token, refreshToken, tokenExpiresAt, consumer });
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-label="Log in">
        <h1>Orderly</h1>
        <p className="muted">Chip manufacturing, vehicle insurance and shop orders, live.</p>
        {ended && !data && <p className="notice notice-info">{ended}</p>}
        <label>
          Account id
          <input
            name="consumerId"
            value={consumerId}
            onChange={(e) => setConsumerId(e.target.value)}
            autoComplete="username"
            inputMode="numeric"
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <UserErrors errors={data?.login.errors} />
        <ErrorNotice error={error} />
        <button type="submit" disabled={loading}>
          {loading ? 'Logging in…' : 'Log in'}
        </button>
        <details className="demo-accounts">
          <summary>Demo accounts</summary>
          <ul>
            {DEMO.map((account) => (
              <li key={account.id}>
                <button
                  type="button"
                  className="button-link"
                  onClick={() => {
                    setConsumerId(account.id);
                    setPassword(account.password);
                  }}
                >
                  {account.id}
                </button>{' '}
                {account.who}
              </li>
            ))}
          </ul>
        </details>
      </form>
    </main>
  );
}
