import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/db/embedded.ts';
import {
  ProofConfirmChipOrderDocument,
  ProofConfirmShopOrderDocument,
  ProofDepositDocument,
  ProofLoginDocument,
  ProofPayOrderDocument,
} from '../generated/graphql.ts';
import { spawnServer, waitUntilServing, type ChildServer } from '../utils/child-server.ts';
import { ck101Lot } from '../utils/chip-plans.ts';
import { checkInvariants } from '../utils/proof-invariants.ts';
import { retryingClient } from '../utils/retrying-client.ts';
import {
  createTestDatabase,
  demo,
  dropTestDatabase,
  UNPAID_LIMITS_OFF_ENV,
} from '../utils/test-app.ts';
import { ADDRESS } from './shop-fixtures.ts';

/**
 * Crash safety (docs/testing.md, Proof): the real server runs as a child process; clients confirm and
 * pay with idempotency keys while the test SIGKILLs the server at random moments (each time
 * with requests in flight) and starts it again. Every key is retried until it gets an answer.
 * Then each effect must have happened exactly once and the books must balance.
 */

const SOAK = process.env.SOAK === '1';
const KILLS = SOAK ? 40 : 3;

const CONSUMERS = [demo.consumer, demo.otherConsumer, demo.thirdConsumer];

interface Intent {
  consumer: (typeof CONSUMERS)[number];
  kind: 'SHOP' | 'CHIP';
  confirmKey: string;
  payKey?: string;
  orderId?: string;
}

describe('SIGKILL at random moments while clients confirm and pay', () => {
  let databaseUrl: string;
  let db: pg.Pool;
  let server: ChildServer;
  let env: Record<string, string>;
  let product: { shopId: string; productId: string; stock: number };

  const start = async () => {
    server = await spawnServer(env);
    await waitUntilServing(server, 60_000);
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const port = String(await freePort());
    env = {
      DATABASE_URL: databaseUrl,
      PORT: port,
      // Tokens outlive the process that signed them.
      JWT_SECRET: 'proof-crash-test-secret',
      MUTATION_RATE_LIMIT: '0',
      ...UNPAID_LIMITS_OFF_ENV,
      // An unpaid order must not expire while the server is down and its payment retried.
      SHOP_ORDER_TTL_MINUTES: '0',
    };
    const { rows } = await db.query(
      `insert into shops (cn_name, en_name) values ('崩溃测试店', 'Crash test shop') returning id::text`,
    );
    const stock = 1_000_000;
    const made = await db.query(
      `insert into products (shop_id, name, price, stock) values ($1, 'Crash test product', 3.25, $2)
       returning id::text`,
      [rows[0].id, stock],
    );
    product = { shopId: rows[0].id, productId: made.rows[0].id, stock };
    await start();
  }, 90_000);

  afterAll(async () => {
    server?.process.kill('SIGKILL');
    await server?.exited;
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it(
    'confirms and pays each key exactly once, loses no event and keeps the books balanced',
    async () => {
      const client = retryingClient(() => server.url, { deadlineMs: SOAK ? 600_000 : 150_000 });
      const tokens = new Map<string, string>();
      for (const c of [...CONSUMERS, demo.admin]) {
        const { value } = await client.send(
          ProofLoginDocument,
          { consumerId: c.id, password: c.password },
          undefined,
        );
        tokens.set(c.id, value.token);
      }
      for (const c of CONSUMERS) {
        await client.send(
          ProofDepositDocument,
          { consumerId: c.id, amount: '100000000.00' },
          tokens.get(demo.admin.id),
        );
      }

      const intents: Intent[] = [];
      let chipSlots = 0;
      /** The next thing `who` does: shop orders and chip orders in turn, each with fresh keys. */
      const nextIntent = (who: number): Intent => {
        const consumer = CONSUMERS[who];
        const n = intents.filter((i) => i.consumer === consumer).length;
        const intent: Intent =
          n % 3 === 2
            ? { consumer, kind: 'CHIP', confirmKey: `crash-chip-${who}-${n}` }
            : {
                consumer,
                kind: 'SHOP',
                confirmKey: `crash-shop-${who}-${n}`,
                payKey: `crash-pay-${who}-${n}`,
              };
        intents.push(intent);
        return intent;
      };
      // Each chip order books its own stretch of the plants: no plan refuses another.
      const chipStart = new Map<string, number>();

      const runIntent = async (intent: Intent) => {
        const token = tokens.get(intent.consumer.id);
        if (intent.kind === 'CHIP') {
          if (!chipStart.has(intent.confirmKey)) {
            chipStart.set(intent.confirmKey, 1000 + 20 * chipSlots++);
          }
          const { value } = await client.send(
            ProofConfirmChipOrderDocument,
            {
              input: ck101Lot(chipStart.get(intent.confirmKey)!, 2),
              idempotencyKey: intent.confirmKey,
            },
            token,
          );
          expect(value.errors).toEqual([]);
          intent.orderId = value.order.id;
          return;
        }
        const confirmed = await client.send(
          ProofConfirmShopOrderDocument,
          {
            input: {
              shopId: product.shopId,
              address: ADDRESS,
              products: [{ productId: product.productId, count: 2 }],
            },
            idempotencyKey: intent.confirmKey,
          },
          token,
        );
        expect(confirmed.value.errors).toEqual([]);
        intent.orderId = confirmed.value.order.id;
        const paid = await client.send(
          ProofPayOrderDocument,
          { orderId: intent.orderId, payType: 'BALANCE', idempotencyKey: intent.payKey },
          token,
        );
        expect(paid.value.errors).toEqual([]);
        expect(paid.value.order).toEqual({ id: intent.orderId, status: 'PAID' });
      };

      let kills = 0;
      const killer = (async () => {
        for (; kills < KILLS; kills++) {
          await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
          // Kill with requests in flight, so some die inside the server.
          const waitUntil = Date.now() + 5000;
          while (client.inFlight === 0 && Date.now() < waitUntil) {
            await new Promise((r) => setTimeout(r, 5));
          }
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          server.process.kill('SIGKILL');
          await server.exited;
          await start();
        }
      })();
      // Every consumer keeps confirming and paying, two at a time, until the last restart.
      let killing = true;
      const clients = CONSUMERS.map(async (_consumer, who) => {
        while (killing) {
          await Promise.all([runIntent(nextIntent(who)), runIntent(nextIntent(who))]);
        }
      });
      await killer;
      killing = false;
      await Promise.all(clients);

      if (process.env.PROOF_STATS) {
        console.info({ intents: intents.length, interrupted: client.interrupted, kills });
      }
      expect(kills).toBe(KILLS);
      expect(client.interrupted).toBeGreaterThan(0);

      // One order per confirmation key, the one the client was told about, and no other.
      for (const c of CONSUMERS) {
        const mine = intents.filter((i) => i.consumer === c);
        const { rows } = await db.query<{ id: string; kind: string }>(
          `select id, kind from orders where consumer_id = $1 and kind in ('SHOP', 'CHIP') order by id`,
          [c.id],
        );
        expect(rows.map((r) => r.id).sort()).toEqual(mine.map((i) => i.orderId).sort());
        const { rows: keys } = await db.query<{ key: string; result: { orderId: string } }>(
          `select key, result from idempotency_keys where consumer_id = $1 and key like 'crash-%'`,
          [c.id],
        );
        for (const intent of mine) {
          expect(keys.find((k) => k.key === intent.confirmKey)?.result.orderId).toBe(
            intent.orderId,
          );
        }
      }
      // One debit per paid order (the pay key's, or the chip confirmation's), all PAID.
      const ids = intents.map((i) => i.orderId!);
      const { rows: money } = await db.query<{ id: string; status: string; debits: number }>(
        `select o.id, o.status,
                (select count(*) from bank_transactions t where t.order_id = o.id and t.amount < 0)::int as debits
           from orders o where o.id = any($1::uuid[])`,
        [ids],
      );
      expect(money).toHaveLength(ids.length);
      expect(money.filter((m) => m.status !== 'PAID' || m.debits !== 1)).toEqual([]);
      // Each paid shop order took its two items from stock once.
      const { rows: stock } = await db.query<{ stock: number }>(
        `select stock from products where id = $1`,
        [product.productId],
      );
      const shopOrders = intents.filter((i) => i.kind === 'SHOP').length;
      expect(stock[0].stock).toBe(product.stock - 2 * shopOrders);
      // Ledger = balances, money per order, bookings, and every history a valid path from ORDER_CREATED.
      expect(
        await checkInvariants(db, { initialStock: new Map([[product.productId, product.stock]]) }),
      ).toEqual([]);
    },
    SOAK ? 1_200_000 : 180_000,
  );
});
