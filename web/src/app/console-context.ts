import { createContext, useContext } from 'react';
import type { ConsoleClient } from '../apollo/client.ts';

export const ConsoleClientContext = createContext<ConsoleClient | null>(null);

/** The session's client (its live feed shows in the header). */
export function useConsoleClient(): ConsoleClient {
  const client = useContext(ConsoleClientContext);
  if (!client) throw new Error('useConsoleClient outside the console');
  return client;
}
