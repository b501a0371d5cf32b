import { useMutation } from '@apollo/client/react';
import type { FormEvent } from 'react';
import { PlaceSaleOrderDocument, type InsuranceVehicleFragment } from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { sum } from './insurance-math.ts';
import { openPlacedOrder } from './open-placed-order.ts';
import { QuotationPicker, useQuotationChoice } from './QuotationPicker.tsx';

export function SaleOrderForm({ vehicle }: { vehicle: InsuranceVehicleFragment }) {
  const choice = useQuotationChoice(vehicle, false);
  const { items, quotationId } = choice;
  const [place, { data, loading, error }] = useMutation(PlaceSaleOrderDocument, {
    refetchQueries: ['OrderList'],
  });
  const summary = sum(items.map((i) => i.price));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await place({
      variables: {
        input: {
          vehicleId: vehicle.id,
          quotationId,
          items: items.map((i) => ({ planItemId: i.planItem.id, price: i.price })),
          summary,
          payment: summary,
        },
      },
    }).catch(() => null);
    openPlacedOrder(result?.data?.placeAnSaleOrder.order);
  };

  return (
    <form className="card form" aria-label="Sale order" onSubmit={submit}>
      <QuotationPicker choice={choice} />
      <p>
        To pay: <strong>{money(summary)}</strong>
      </p>
      <UserErrors errors={data?.placeAnSaleOrder.errors} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading || !items.length}>
        {loading ? 'Placing…' : 'Place the sale order'}
      </button>
    </form>
  );
}
