import type { InsuranceVehicleFragment } from '../generated/graphql.ts';
import { money, when } from '../shared/format.ts';

export type Quotation = InsuranceVehicleFragment['quotations'][number];
export type QuotedItem = Quotation['items'][number];

/** Choose a quotation of the vehicle and some of its items (checked by plan item id). */
export function QuotationPicker({
  vehicle,
  quotationId,
  chosen,
  onQuotation,
  onToggle,
}: {
  vehicle: InsuranceVehicleFragment;
  quotationId: string;
  chosen: ReadonlySet<string>;
  onQuotation: (id: string) => void;
  onToggle: (planItemId: string) => void;
}) {
  const quotation = vehicle.quotations.find((q) => q.id === quotationId);
  return (
    <>
      <label>
        Quotation
        <select name="quotation" value={quotationId} onChange={(e) => onQuotation(e.target.value)}>
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
              onChange={() => onToggle(item.planItem.id)}
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

export function toggled(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
