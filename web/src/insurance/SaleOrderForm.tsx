import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { PlaceSaleOrderDocument, type InsuranceVehicleFragment } from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { sum } from './insurance-math.ts';
import { openPlacedOrder } from './open-placed-order.ts';
import { QuotationPicker, toggled } from './QuotationPicker.tsx';

export function SaleOrderForm({ vehicle }: { vehicle: InsuranceVehicleFragment }) {
  const [quotationId, setQuotationId] = useState(vehicle.quotations[0]?.id ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [place, { data, loading, error }] = useMutation(PlaceSaleOrderDocument, {
    refetchQueries: ['OrderList'],
  });
  const quotation = vehicle.quotations.find((q) => q.id === quotationId);
  const items = quotation?.items.filter((i) => chosen.has(i.planItem.id)) ?? [];
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
      <QuotationPicker
        vehicle={vehicle}
        quotationId={quotationId}
        chosen={chosen}
        onQuotation={(id) => {
          setQuotationId(id);
          setChosen(new Set());
        }}
        onToggle={(id) => setChosen(toggled(chosen, id))}
      />
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
