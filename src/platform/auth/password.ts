import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt with N=2^15 costs ~50 ms and 32 MiB per guess: slow for an attacker, fine for a login.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (err, key) =>
      err ? fail(err) : done(key),
    ),
  );
}

/** A salted slow hash, self-describing so its cost can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** One password check's place in a HashingGate, from its start to its end. */
export interface HashingTicket {
  /** Runs `work` (the scrypt) when one of the gate's hashing slots is free. */
  hash<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the place back; exactly once. */
  leave(): void;
}

/**
 * Bounds the password work of one running app: at most `concurrency + queue` checks in
 * progress (waiting for their turn or for attempts on the same id), of which `concurrency`
 * hash at once (each scrypt holds a libuv thread and 32 MiB). Past that `enter` refuses, and
 * the caller answers RATE_LIMITED at once instead of letting requests pile up to their deadline.
 */
export class HashingGate {
  private inside = 0;
  private hashing = 0;
  private readonly turns: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  enter(): HashingTicket | undefined {
    if (this.inside >= this.concurrency + this.queue) return undefined;
    this.inside++;
    let left = false;
    return {
      hash: async (work) => {
        if (this.hashing >= this.concurrency) {
          await new Promise<void>((turn) => this.turns.push(turn));
        } else {
          this.hashing++;
        }
        try {
          return await work();
        } finally {
          // The slot passes straight to the next in line, or frees.
          const next = this.turns.shift();
          if (next) next();
          else this.hashing--;
        }
      },
      leave: () => {
        if (left) return;
        left = true;
        this.inside--;
      },
    };
  }
}
