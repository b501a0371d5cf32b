/**
 * A plant's time as the plan suggester sees it: the existing bookings (fixed, sorted, disjoint
 * [start, end) intervals) and, for the greedy passes, the operations placed so far by this
 * plan. Pure data structures; nothing here reads the database.
 */

export interface Interval {
  start: number;
  end: number;
}

/** Disjoint intervals sorted by start (hence by end), with binary search and insertion. */
export class IntervalList {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  constructor(intervals: Iterable<Interval> = []) {
    for (const { start, end } of intervals) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  get length(): number {
    return this.starts.length;
  }

  /** Index of the first interval ending after `t`. */
  firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Adds an interval that overlaps none of the list. */
  insert(start: number, end: number): void {
    const at = this.firstEndingAfter(start);
    this.starts.splice(at, 0, start);
    this.ends.splice(at, 0, end);
  }
}

/**
 * The first s >= from such that [s, s + duration) overlaps no interval of `booked` nor of
 * `placed`. Walks forward from a binary search; each step skips one blocking interval.
 */
export function earliestFit(
  booked: IntervalList,
  from: number,
  duration: number,
  placed?: IntervalList,
): number {
  let s = from;
  let i = booked.firstEndingAfter(s);
  let j = placed ? placed.firstEndingAfter(s) : 0;
  const np = placed ? placed.length : 0;
  for (;;) {
    let moved = false;
    while (i < booked.length && booked.starts[i] < s + duration) {
      if (booked.ends[i] > s) {
        s = booked.ends[i];
        moved = true;
      }
      i++;
    }
    while (j < np && placed!.starts[j] < s + duration) {
      if (placed!.ends[j] > s) {
        s = placed!.ends[j];
        moved = true;
      }
      j++;
    }
    if (!moved) return s;
  }
}

/**
 * What one plant can still take in a window [a, b), for operations at least `minDuration` long:
 * `slots`, how many such operations fit in its free pieces (gaps between bookings, clipped to
 * the window; floor(piece / minDuration) each), and `time`, the total length of the pieces at
 * least that long. Relaxations of what real operations can use, which is what a lower bound
 * needs. O(log n) per query after O(n) preparation.
 */
export class PlantCapacity {
  /** Gap k is [gapStart[k], gapEnd[k]); the last one is unbounded. */
  private readonly gapStart: number[] = [];
  private readonly gapEnd: number[] = [];
  /** Totals over the bounded gaps before gap k: usable length, and slots. */
  private readonly timePrefix: number[] = [0];
  private readonly slotPrefix: number[] = [0];

  constructor(
    booked: IntervalList,
    from: number,
    private readonly minDuration: number,
  ) {
    let cursor = from;
    for (let i = booked.firstEndingAfter(from); i < booked.length; i++) {
      if (booked.starts[i] > cursor) {
        this.gapStart.push(cursor);
        this.gapEnd.push(booked.starts[i]);
      }
      cursor = Math.max(cursor, booked.ends[i]);
    }
    this.gapStart.push(cursor);
    this.gapEnd.push(Infinity);
    for (let k = 0; k < this.gapStart.length - 1; k++) {
      const length = this.gapEnd[k] - this.gapStart[k];
      this.timePrefix.push(this.timePrefix[k] + (length >= minDuration ? length : 0));
      this.slotPrefix.push(this.slotPrefix[k] + Math.floor(length / minDuration));
    }
  }

  within(a: number, b: number): { time: number; slots: number } {
    if (b <= a) return { time: 0, slots: 0 };
    const gaps = this.gapEnd.length;
    // First gap ending after a, and first gap starting at or after b.
    let lo = 0;
    let hi = gaps;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gapEnd[mid] > a) hi = mid;
      else lo = mid + 1;
    }
    const first = lo;
    hi = gaps;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gapStart[mid] >= b) hi = mid;
      else lo = mid + 1;
    }
    const last = lo - 1;
    if (first > last) return { time: 0, slots: 0 };
    const piece = (k: number) => Math.min(b, this.gapEnd[k]) - Math.max(a, this.gapStart[k]);
    const edges = first === last ? [piece(first)] : [piece(first), piece(last)];
    let time = 0;
    let slots = 0;
    for (const length of edges) {
      if (length >= this.minDuration) time += length;
      slots += Math.floor(length / this.minDuration);
    }
    // Gaps strictly between first and last are whole (and bounded: last is the latest).
    if (last > first + 1) {
      time += this.timePrefix[last] - this.timePrefix[first + 1];
      slots += this.slotPrefix[last] - this.slotPrefix[first + 1];
    }
    return { time, slots };
  }
}
