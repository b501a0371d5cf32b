import { Page, Section } from '../shared/layout.tsx';
import { BalanceCard } from './BalanceCard.tsx';
import { LedgerPage } from './Ledger.tsx';

export function AccountPage() {
  return (
    <Page title="Balance and ledger">
      <Section title="Bank account 银行账户">
        <BalanceCard />
      </Section>
      <Section title="Ledger 流水">
        <LedgerPage />
      </Section>
    </Page>
  );
}
