/**
 * Runs long pure work (generators that yield between bounded pieces) without holding the event
 * loop: one slice of at most SLICE_MS per turn, the running works taking turns, so other
 * requests' I/O is served between any two slices however many suggestions are running.
 */

/** Longest a slice keeps the event loop (plus one piece of work). */
export const SLICE_MS = 8;

interface Task {
  work: Generator<void, unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const queue: Task[] = [];
let pumping = false;

function pump(): void {
  const task = queue.shift();
  if (task) {
    const until = performance.now() + SLICE_MS;
    try {
      for (;;) {
        const step = task.work.next();
        if (step.done) {
          task.resolve(step.value);
          break;
        }
        if (performance.now() >= until) {
          queue.push(task);
          break;
        }
      }
    } catch (err) {
      task.reject(err);
    }
  }
  pumping = queue.length > 0;
  if (pumping) setImmediate(pump);
}

/** The work's result, computed a slice per event-loop turn. */
export function runSliced<T>(work: Generator<void, T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}
