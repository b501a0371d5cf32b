/** Any JSON value as one text parameter, for `?::jsonb` (names, row sets). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
