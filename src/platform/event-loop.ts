/**
 * Resolves after the event loop has run whatever I/O is waiting: long synchronous work calls it
 * between its steps so other requests get their turn (docs/security-limits.md: large operations).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
