import { useSyncExternalStore } from 'react';
import type { Role } from '../generated/graphql.ts';

/** Who is logged in in this browser, and the tokens the API gave them (login, refreshToken). */
export interface Session {
  /** Made at login, kept across token renewals: one Apollo client per key (apollo/client.ts). */
  key: string;
  token: string;
  /** Good for one refreshToken call (auth/renewal.ts). */
  refreshToken: string;
  tokenExpiresAt: string;
  consumer: { id: string; name: string; role: Role };
}

export const SESSION_ENDED = 'Your session has ended. Please log in again.';

const KEY = 'orderly.session';
const listeners = new Set<() => void>();
let current: Session | null = read();
// Why the last session ended, when the console ended it (refused token): shown on the login page.
let endedBecause: string | null = null;

function read(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return stored?.key && stored.token && stored.refreshToken && stored.consumer ? stored : null;
  } catch {
    return null;
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

function store(next: Session): void {
  localStorage.setItem(KEY, JSON.stringify(next));
  current = next;
  changed();
}

export const session = {
  get(): Session | null {
    return current;
  },
  /** A new login: a new key, so nothing cached for the last person is shown. */
  start(tokens: Omit<Session, 'key'>): void {
    endedBecause = null;
    store({ ...tokens, key: crypto.randomUUID() });
  },
  /** New tokens for the same session (a refresh). */
  renewed(tokens: Pick<Session, 'token' | 'refreshToken' | 'tokenExpiresAt' | 'consumer'>): void {
    if (current) store({ ...current, ...tokens });
  },
  /** What another tab may have written meanwhile (read inside the refresh lock). */
  reload(): Session | null {
    const stored = read();
    if (JSON.stringify(stored) !== JSON.stringify(current)) {
      current = stored;
      changed();
    }
    return current;
  },
  /** Logs out locally; `reason` is shown on the login page (e.g. the session was ended). */
  end(reason?: string): void {
    if (!current) return;
    localStorage.removeItem(KEY);
    current = null;
    endedBecause = reason ?? null;
    changed();
  },
  endedBecause(): string | null {
    return endedBecause;
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Another tab logging in, renewing the tokens or logging out changes this one too.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  changed();
});

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
