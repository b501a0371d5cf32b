const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID; anything else can never name a row, so it is "not found". */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** True for a positive integer id that fits a bigint column. */
export function isBigintId(value: string): boolean {
  return /^[1-9]\d{0,17}$/.test(value);
}

/** True for a positive integer id that fits an int column. */
export function isIntId(value: string): boolean {
  return /^[1-9]\d{0,8}$/.test(value);
}
