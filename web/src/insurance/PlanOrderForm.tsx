import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  PlacePlanOrderDocument,
  type GarageQuery,
  type InsuranceVehicleFragment,
} from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { localInputValue, money } from '../shared/format.ts';
import { Facts } from '../shared/layout.tsx';
import { planPayment, sum } from './insurance-math.ts';
import { openPlacedOrder } from './open-placed-order.ts';
import { QuotationPicker, useQuotationChoice } from './QuotationPicker.tsx';

export function PlanOrderForm({
  vehicle,
  promotions,
}: {
  vehicle: InsuranceVehicleFragment;
  promotions: GarageQuery['promotions'];
}) {
  const choice = useQuotationChoice(vehicle, true);
  const { items, quotationId } = choice;
  const [promotionId, setPromotionId] = useState('');
  const [serviceRatio, setServiceRatio] = useState('0');
  const [expectAt, setExpectAt] = useState(() =>
    localInputValue(new Date(Date.now() + 7 * 86_400_000)),
  );
  const [place, { data, loading, error }] = useMutation(PlacePlanOrderDocument, {
    refetchQueries: ['OrderList'],
  });

  const promotion = promotions.find((p) => p.id === promotionId);
  const summary = sum(items.map((i) => i.price));
  const payment = planPayment(summary, serviceRatio, promotion?.price);
  // The plans the chosen items belong to, each with its items, in the quotation's order.
  const plans = [...new Set(items.map((i) => i.plan.id))].map((planId) => ({
    planId,
    items: items
      .filter((i) => i.plan.id === planId)
      .map((i) => ({ planItemId: i.planItem.id, price: i.price })),
  }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await place({
      variables: {
        input: {
          vehicleId: vehicle.id,
          quotationId,
          plans,
          promotionId: promotionId || null,
          serviceRatio: Number(serviceRatio),
          summary,
          payment,
          vehicleValue: vehicle.value,
          expectAt: new Date(expectAt).toISOString(),
        },
      },
    }).catch(() => null);
    openPlacedOrder(result?.data?.placeAnPlanOrder.order);
  };

  return (
    <form className="card form" aria-label="Plan order" onSubmit={submit}>
      <QuotationPicker choice={choice} />
      <div className="form-row">
        <label>
          Promotion
          <select
            name="promotion"
            value={promotionId}
            onChange={(e) => setPromotionId(e.target.value)}
          >
            <option value="">None</option>
            {promotions.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} (−{money(p.price)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Service ratio
          <input
            name="serviceRatio"
            inputMode="decimal"
            value={serviceRatio}
            onChange={(e) => setServiceRatio(e.target.value)}
          />
        </label>
        <label>
          Cover starts
          <input
            name="expectAt"
            type="datetime-local"
            value={expectAt}
            onChange={(e) => setExpectAt(e.target.value)}
            required
          />
        </label>
      </div>
      <Facts
        items={[
          ['Summary', money(summary)],
          [
            'To pay',
            <strong key="p" data-testid="plan-payment">
              {money(payment)}
            </strong>,
          ],
          ['Vehicle value', money(vehicle.value)],
        ]}
      />
      <UserErrors errors={data?.placeAnPlanOrder.errors} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading || !items.length}>
        {loading ? 'Placing…' : 'Place the plan order'}
      </button>
    </form>
  );
}
