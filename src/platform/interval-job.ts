import type { Logger } from 'pino';

/**
 * A background job: `run` every `everyMs`, never two runs at once (a slow run is not stacked
 * on; the next starts at the first interval after it). A failed run is logged as `failure` and
 * tried again at the next interval. The timer keeps no process alive. Returns how to stop it:
 * no run starts after that, and the one in flight is awaited; `run` may ask `stopped()` to end
 * a long loop early.
 */
export function startIntervalJob(
  everyMs: number,
  log: Logger,
  failure: string,
  run: (stopped: () => boolean) => Promise<void>,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = run(() => stopped)
      .catch((err: unknown) => log.error({ err }, failure))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
