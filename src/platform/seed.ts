import type { EntityManager } from '@mikro-orm/postgresql';
import { accounts } from './accounts/accounts.service.ts';
import { Consumer, Role } from './accounts/consumer.entity.ts';
import { bank } from './bank/bank.service.ts';
import { money } from './money.ts';

/** Demo people. The README gives these credentials; change them before going live. */
export const DEMO_ACCOUNTS = [
  // The chip consumer of the worked examples, rich enough for them (the CK101 plan costs up to 60005).
  {
    id: '89638599',
    name: '演示用户 Demo Consumer',
    password: '400820',
    role: Role.CONSUMER,
    balance: '200000.00',
  },
  {
    id: '89638600',
    name: '李雷 Li Lei',
    password: 'lilei-pass',
    role: Role.CONSUMER,
    balance: '50000.00',
  },
  {
    id: '89638601',
    name: '韩梅梅 Han Meimei',
    password: 'hanmeimei-pass',
    role: Role.CONSUMER,
    balance: '50000.00',
  },
  {
    id: '10000001',
    name: 'Operator Zhang San 张三',
    password: 'operator-pass',
    role: Role.OPERATOR,
    balance: '0',
  },
  { id: '10000002', name: 'Admin', password: 'admin-pass', role: Role.ADMIN, balance: '0' },
] as const;

/** Adds the demo consumers that are missing, each with its opening deposit. Idempotent. */
export async function seedPlatform(em: EntityManager): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    if (await em.findOne(Consumer, account.id)) continue;
    await em.transactional(async (tx) => {
      await accounts.register({ em: tx }, account);
      const opening = money(account.balance);
      if (opening.gt(0)) await bank.credit(tx, account.id, opening, 'Opening deposit (demo data)');
    });
  }
}
