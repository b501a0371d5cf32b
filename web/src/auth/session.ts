import { del, get, set } from 'idb-keyval';
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
// The same session in IndexedDB, for the token refresh. A tab's localStorage writes reach the
// browser's other tabs a little later (Chromium batches them across processes), so a tab that
// takes the refresh lock right after another tab renewed could still read the used refresh
// token there and present it again, which ends the session. An IndexedDB transaction that
// completed before the lock was released is visible to the next holder.
const LATEST = 'orderly.session.latest';
const listeners = new Set<() => void>();
let current: Session | null = read();
// Why the last session ended, when the console ended it (refused token): shown on the login page.
let endedBecause: string | null = null;

function read(): Session | null {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    return isSession(stored) ? stored : null;
  } catch {
    return null;
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

function store(next: Session): Promise<void> {
  localStorage.setItem(KEY, JSON.stringify(next));
  current = next;
  changed();
  return set(LATEST, next).catch(() => undefined);
}

function isSession(value: unknown): value is Session {
  const s = value as Session | null | undefined;
  return Boolean(s?.key && s.token && s.refreshToken && s.consumer);
}

export const session = {
  get(): Session | null {
    return current;
  },
  /** A new login: a new key, so nothing cached for the last person is shown. */
  start(tokens: Omit<Session, 'key'>): void {
    endedBecause = null;
    void store({ ...tokens, key: crypto.randomUUID() });
  },
  /** New tokens for the same session (a refresh); resolves once every tab can read them. */
  async renewed(
    tokens: Pick<Session, 'token' | 'refreshToken' | 'tokenExpiresAt' | 'consumer'>,
  ): Promise<void> {
    if (current) await store({ ...current, ...tokens });
  },
  /**
   * What another tab may have written meanwhile (read inside the refresh lock): IndexedDB's copy
   * when it is of the same login as localStorage's, else localStorage's.
   */
  async reload(): Promise<Session | null> {
    let stored = read();
    const latest: unknown = await get(LATEST).catch(() => undefined);
    if (stored && isSession(latest) && latest.key === stored.key) stored = latest;
    if (JSON.stringify(stored) !== JSON.stringify(current)) {
      if (stored) localStorage.setItem(KEY, JSON.stringify(stored));
      current = stored;
      changed();
    }
    return current;
  },
  /** Logs out locally; `reason` is shown on the login page (e.g. the session was ended). */
  end(reason?: string): void {
    if (!current) return;
    localStorage.removeItem(KEY);
    void del(LATEST).catch(() => undefined);
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
