import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessError, ErrorCode } from '../errors.ts';
import { Decimal, toMoneyString, ZERO } from '../money.ts';
import { BankAccount, BankTransaction } from './bank.entity.ts';
import { defineLoader } from '../loaders.ts';

/** The largest balance an account can hold: numeric(14, 2). */
export const MAX_BALANCE = new Decimal('999999999999.99');

interface LedgerRow {
  id: string;
  balance_after: string;
  occurred_at: Date;
}

/**
 * The bank. Every movement is one statement: a conditional UPDATE of the account row (the row
 * lock serialises concurrent movements) and its ledger INSERT, in the caller's transaction:
 * order domains call `debit` and `refund` inside their own `em.transactional`, so money
 * moves if and only if what it pays for is saved.
 */
export class BankService {
  /** Creates the consumer's account with a zero balance if it has none. */
  async openAccount(em: EntityManager, consumerId: string): Promise<void> {
    await em.execute(
      `insert into bank_accounts (consumer_id) values (?) on conflict (consumer_id) do nothing`,
      [consumerId],
    );
  }

  /**
   * Takes `amount` (> 0) from the account. Throws a BusinessError INSUFFICIENT_BALANCE, which
   * rolls the caller's transaction back, when the balance is short; the balance never goes
   * negative (the UPDATE's condition, and a CHECK constraint behind it).
   */
  async debit(
    em: EntityManager,
    consumerId: string,
    amount: Decimal,
    reason: string,
    orderId?: string,
  ): Promise<BankTransaction> {
    if (amount.lte(0)) throw new Error(`debit amount must be positive, got ${amount.toString()}`);
    const value = toMoneyString(amount);
    const row = await this.move(em, consumerId, amount.neg(), reason, orderId);
    if (!row) {
      const [account] = await em.execute<{ balance: string }[]>(
        `select balance from bank_accounts where consumer_id = ?`,
        [consumerId],
      );
      const balance = account ? account.balance : '0.00';
      throw BusinessError.of(
        ErrorCode.INSUFFICIENT_BALANCE,
        `Insufficient balance: ${value} needed, ${balance} available.`,
      );
    }
    return ledgerEntry(row, consumerId, amount.neg(), reason, orderId);
  }

  /**
   * Adds `amount` (> 0) to the account: deposits and refunds. Throws a BusinessError
   * INVALID_INPUT, which rolls the caller's transaction back, when the balance would pass
   * MAX_BALANCE (the largest amount a numeric(14, 2) column holds).
   */
  async credit(
    em: EntityManager,
    consumerId: string,
    amount: Decimal,
    reason: string,
    orderId?: string,
  ): Promise<BankTransaction> {
    if (amount.lte(0)) throw new Error(`credit amount must be positive, got ${amount.toString()}`);
    await this.openAccount(em, consumerId);
    const row = await this.move(em, consumerId, amount, reason, orderId);
    if (!row) {
      throw BusinessError.of(
        ErrorCode.INVALID_INPUT,
        `An account holds at most ${toMoneyString(MAX_BALANCE)}; crediting ${toMoneyString(amount)} would pass it.`,
      );
    }
    return ledgerEntry(row, consumerId, amount, reason, orderId);
  }

  /**
   * What the consumer has paid for an order and not yet got back, from the ledger.
   * Refunds are computed from it, so an order is never refunded more than was taken.
   */
  async netPaid(em: EntityManager, consumerId: string, orderId: string): Promise<Decimal> {
    const [row] = await em.execute<{ total: string | null }[]>(
      `select sum(amount) as total from bank_transactions where consumer_id = ? and order_id = ?`,
      [consumerId, orderId],
    );
    return row?.total ? new Decimal(row.total).neg() : ZERO;
  }

  /** Gives back everything paid for the order; undefined when nothing was paid. */
  async refundOrder(
    em: EntityManager,
    consumerId: string,
    orderId: string,
    reason: string,
  ): Promise<BankTransaction | undefined> {
    const owed = await this.netPaid(em, consumerId, orderId);
    if (owed.lte(0)) return undefined;
    return this.credit(em, consumerId, owed, reason, orderId);
  }

  /** Balances of many consumers in one query (DataLoader batch function). */
  readonly balances = async (
    consumerIds: readonly string[],
    em: EntityManager,
  ): Promise<Decimal[]> => {
    // refresh: a debit earlier in this operation went through SQL, past the identity map.
    const rows = await em.find(
      BankAccount,
      { consumerId: { $in: [...consumerIds] } },
      { refresh: true },
    );
    const byId = new Map(rows.map((r) => [r.consumerId, r.balance]));
    return consumerIds.map((id) => byId.get(id) ?? ZERO);
  };

  async balance(em: EntityManager, consumerId: string): Promise<Decimal> {
    const [row] = await em.execute<{ balance: string }[]>(
      `select balance from bank_accounts where consumer_id = ?`,
      [consumerId],
    );
    return row ? new Decimal(row.balance) : ZERO;
  }

  /**
   * Adds `amount` (negative for a debit) to the balance and writes its ledger row, in one
   * statement; none, and no row, when the balance would leave 0 to MAX_BALANCE.
   */
  private async move(
    em: EntityManager,
    consumerId: string,
    amount: Decimal,
    reason: string,
    orderId?: string,
  ): Promise<LedgerRow | undefined> {
    const value = toMoneyString(amount);
    const [row] = await em.execute<LedgerRow[]>(
      `with a as (
         update bank_accounts set balance = balance + ?, updated_at = now()
          where consumer_id = ? and balance + ? between 0 and ? returning balance
       )
       insert into bank_transactions (consumer_id, amount, balance_after, reason, order_id)
       select ?, ?, a.balance, ?, ? from a returning id, balance_after, occurred_at`,
      [
        value,
        consumerId,
        value,
        toMoneyString(MAX_BALANCE),
        consumerId,
        value,
        reason,
        orderId ?? null,
      ],
    );
    return row;
  }
}

/** The ledger row just written, as the BankTransaction the payloads return. */
function ledgerEntry(
  row: LedgerRow,
  consumerId: string,
  amount: Decimal,
  reason: string,
  orderId?: string,
): BankTransaction {
  return Object.assign(new BankTransaction(), {
    id: String(row.id),
    consumerId,
    amount,
    balanceAfter: new Decimal(row.balance_after),
    reason,
    orderId: orderId ?? null,
    occurredAt: new Date(row.occurred_at),
  });
}

export const bank = new BankService();

/** A consumer's balance, batched per operation (Consumer.balance). */
export const balancesByConsumer = defineLoader('balanceByConsumer', bank.balances);
