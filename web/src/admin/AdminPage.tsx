import { Page, Section } from '../shared/layout.tsx';
import { ClockPanel } from './ClockPanel.tsx';
import { DepositForm } from './DepositForm.tsx';
import { PlantStatusTable } from './PlantStatusTable.tsx';

export function AdminPage() {
  return (
    <Page title="Admin 管理">
      <Section title="Production clock 生产时钟">
        <ClockPanel />
      </Section>
      <Section title="Deposit 充值">
        <DepositForm />
      </Section>
      <Section title="Plant status 工厂状态">
        <PlantStatusTable />
      </Section>
    </Page>
  );
}
