import { useState } from 'react';
import type { InsuranceVehicleFragment } from '../generated/graphql.ts';
import { money, when } from '../shared/format.ts';

export type Quotation = InsuranceVehicleFragment['quotations'][number];
export type QuotedItem = Quotation['items'][number];

/** The quotation chosen (the newest at first) and its items chosen (all, or none, at first). */
export function useQuotationChoice(vehicle: InsuranceVehicleFragment, allChosen: boolean) {
  const [quotationId, setQuotationId] = useState(vehicle.quotations[0]?.id ?? '');
  const quotation = vehicle.quotations.find((q) => q.id === quotationId);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(
    () => new Set(allChosen ? quotation?.items.map((i) => i.planItem.id) : []),
  );
  return {
    vehicle,
    quotationId,
    chosen,
    items: quotation?.items.filter((i) => chosen.has(i.planItem.id)) ?? [],
    choose(id: string) {
      setQuotationId(id);
      setChosen(new Set());
    },
    toggle(planItemId: string) {
      const next = new Set(chosen);
      if (next.has(planItemId)) next.delete(planItemId);
      else next.add(planItemId);
      setChosen(next);
    },
  };
}

/** Choose a quotation of the vehicle and some of its items. */
export function QuotationPicker({ choice }: { choice: ReturnType<typeof useQuotationChoice> }) {
  const { vehicle, quotationId, chosen } = choice;
  const quotation = vehicle.quotations.find((q) => q.id === quotationId);
  return (
    <>
      <label>
        Quotation
        <select
          name="quotation"
          value={quotationId}
          onChange={(e) => choice.choose(e.target.value)}
        >
          {vehicle.quotations.map((q) => (
            <option key={q.id} value={q.id}>
              Quoted {when(q.createdAt)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="choices">
        <legend>Items</legend>
        {quotation?.items.map((item) => (
          <label key={item.planItem.id} className="choice">
            <input
              type="checkbox"
              checked={chosen.has(item.planItem.id)}
              onChange={() => choice.toggle(item.planItem.id)}
            />
            <span>
              {item.plan.name} · {item.planItem.name}
            </span>
            <span className="num">{money(item.price)}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
