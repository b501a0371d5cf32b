import { useSyncExternalStore } from 'react';
import type { Role } from '../generated/graphql.ts';

/** Who is logged in in this browser, and the bearer token the API gave them. */
export interface Session {
  token: string;
  consumer: { id: string; name: string; role: Role };
}

const KEY = 'orderly.session';
const listeners = new Set<() => void>();
let current: Session | null = read();
// Why the last session ended, when the console ended it (expired token): shown on the login page.
let endedBecause: string | null = null;

function read(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return stored?.token && stored.consumer ? stored : null;
  } catch {
    return null;
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

export const session = {
  get(): Session | null {
    return current;
  },
  start(next: Session): void {
    localStorage.setItem(KEY, JSON.stringify(next));
    current = next;
    endedBecause = null;
    changed();
  },
  /** Logs out; `reason` is shown on the login page (e.g. the token expired). */
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

// Another tab logging in or out changes this one too.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  changed();
});

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
