// Exact tick arithmetic for the plan builder's suggestions (the analysis is the judge): an
// operation on n chips lasts ceil(n × unitTime) ticks, computed on scaled integers, since
// 50 × 0.42 in floating point is 21.000000000000004, not 21.

function scaled(value: number): { units: bigint; scale: bigint } {
  const text = /e/i.test(String(value)) ? value.toFixed(12) : String(value);
  const [whole, fraction = ''] = text.split('.');
  return { units: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

export function operationTicks(quantity: number, unitTime: number): number {
  if (!Number.isInteger(quantity) || quantity < 1) return 0;
  const { units, scale } = scaled(unitTime);
  const product = BigInt(quantity) * units;
  return Number((product + scale - 1n) / scale);
}

/** Start ticks that run the steps one after another from `from`, each when the previous ends. */
export function sequentialStarts(from: number, durations: readonly number[]): number[] {
  const starts: number[] = [];
  let at = from;
  for (const ticks of durations) {
    starts.push(at);
    at += ticks;
  }
  return starts;
}
