import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  PlaceDriverOrderDocument,
  type GarageQuery,
  type InsuranceVehicleFragment,
} from '../generated/graphql.ts';
import { Empty, ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { times } from './insurance-math.ts';
import { openPlacedOrder } from './open-placed-order.ts';

type Driver = NonNullable<GarageQuery['me']>['drivers'][number];

export function DriverOrderForm({
  vehicle,
  drivers,
  fee,
}: {
  vehicle: InsuranceVehicleFragment;
  drivers: readonly Driver[];
  fee: string;
}) {
  const onVehicle = new Set(vehicle.drivers.map((d) => d.id));
  const available = drivers.filter((d) => !onVehicle.has(d.id));
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setChosen(
      chosen.has(id) ? new Set([...chosen].filter((c) => c !== id)) : new Set([...chosen, id]),
    );
  const [place, { data, loading, error }] = useMutation(PlaceDriverOrderDocument, {
    refetchQueries: ['OrderList'],
  });
  const total = times(fee, chosen.size);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await place({
      variables: {
        input: { vehicleId: vehicle.id, driverIds: [...chosen], summary: total, payment: total },
      },
    }).catch(() => null);
    openPlacedOrder(result?.data?.placeAnDriverOrder.order);
  };

  return (
    <form className="card form" aria-label="Driver order" onSubmit={submit}>
      {!available.length && <Empty>Every one of your drivers already drives this vehicle.</Empty>}
      <fieldset className="choices">
        <legend>Drivers ({money(fee)} each)</legend>
        {available.map((d) => (
          <label key={d.id} className="choice">
            <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} />
            <span>{d.name}</span>
            <span className="muted">{d.licenseNo}</span>
          </label>
        ))}
      </fieldset>
      <p>
        To pay: <strong>{money(total)}</strong>
      </p>
      <UserErrors errors={data?.placeAnDriverOrder.errors} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading || !chosen.size}>
        {loading ? 'Placing…' : 'Place the driver order'}
      </button>
    </form>
  );
}
