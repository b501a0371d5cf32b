import { useQuery } from '@apollo/client/react';
import { GarageDocument } from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';
import { Page } from '../shared/layout.tsx';
import { DriverOrderForm } from './DriverOrderForm.tsx';
import { PlanOrderForm } from './PlanOrderForm.tsx';
import { SaleOrderForm } from './SaleOrderForm.tsx';

const TITLE: Record<string, string> = {
  plan: 'Insure with plans 方案订单',
  driver: 'Add drivers 增加驾驶人',
  sale: 'Buy insurance items 销售订单',
};

export function NewInsuranceOrderPage({ vehicleId, kind }: { vehicleId: string; kind: string }) {
  const { data, loading, error } = useQuery(GarageDocument);
  if (error && !data) return <ErrorNotice error={error} />;
  if (loading && !data) return <Loading what="Loading your vehicle" />;
  const vehicle = data?.me?.vehicles.find((v) => v.id === vehicleId);
  if (!data || !vehicle || !TITLE[kind]) {
    return (
      <Page title="Not found">
        <p>
          No such vehicle or order kind. <Link to="/insurance">Back to your vehicles</Link>.
        </p>
      </Page>
    );
  }
  return (
    <Page title={`${TITLE[kind]} · ${vehicle.plateNumber}`}>
      {kind === 'plan' && <PlanOrderForm vehicle={vehicle} promotions={data.promotions} />}
      {kind === 'driver' && (
        <DriverOrderForm vehicle={vehicle} drivers={data.me!.drivers} fee={data.driverFee} />
      )}
      {kind === 'sale' && <SaleOrderForm vehicle={vehicle} />}
    </Page>
  );
}
