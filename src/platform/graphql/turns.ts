/** Gives back a turn taken with `Turns.take`. */
export type Release = () => void;

/**
 * One at a time per key, in arrival order, with at most `maxWaiting` waiting behind the one
 * running: what keeps one consumer's burst of large operations from taking the event loop from
 * everyone else. In this process's memory.
 */
export class Turns {
  private readonly lines = new Map<string, Release[]>();

  constructor(private readonly maxWaiting: number) {}

  /**
   * Resolves with a release once it is `key`'s turn; resolves undefined at once when
   * `maxWaiting` are already waiting. Call the release exactly once.
   */
  take(key: string): Promise<Release | undefined> {
    const line = this.lines.get(key);
    if (!line) {
      this.lines.set(key, []);
      return Promise.resolve(this.releaser(key));
    }
    if (line.length >= this.maxWaiting) return Promise.resolve(undefined);
    return new Promise((resolve) => line.push(() => resolve(this.releaser(key))));
  }

  private releaser(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const line = this.lines.get(key)!;
      const next = line.shift();
      if (next) next();
      else this.lines.delete(key);
    };
  }
}
