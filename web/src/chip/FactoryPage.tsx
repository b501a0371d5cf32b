import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import {
  FactoryDocument,
  ProductionClockDocument,
  type FactoryQuery,
} from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money, percent } from '../shared/format.ts';
import { Page, Section } from '../shared/layout.tsx';
import { PlantStatusBadge } from './PlantStatusBadge.tsx';

type Plant = FactoryQuery['plants'][number];
const WINDOW = 100;

/** A plant's bookings in [from, from + WINDOW) as bars. */
function Calendar({ plant, from }: { plant: Plant; from: number }) {
  const at = (tick: number) => `${(Math.max(0, tick - from) / WINDOW) * 100}%`;
  return (
    <span className="calendar" aria-label={`${plant.name} calendar`}>
      {plant.bookings.map((b) => (
        <span
          key={`${b.orderId}-${b.lot}-${b.step}`}
          className="calendar-booking"
          style={{
            left: at(b.start),
            width: at(from + Math.min(b.end, from + WINDOW) - Math.max(b.start, from)),
          }}
          title={`[${b.start}, ${b.end}) lot ${b.lot} step ${b.step}`}
        />
      ))}
    </span>
  );
}

function Capabilities({ plant }: { plant: Plant }) {
  return (
    <details>
      <summary>{plant.capabilities.length} step(s)</summary>
      <ul className="compact">
        {plant.capabilities.map((c) => (
          <li key={`${c.chipName}-${c.step}`}>
            {c.chipName} step {c.step}: {money(c.unitCost)} and {c.unitTime} ticks a chip
          </li>
        ))}
      </ul>
    </details>
  );
}

export function FactoryPage() {
  const [offset, setOffset] = useState(0);
  const clock = useQuery(ProductionClockDocument);
  const now = clock.data?.productionClock.now ?? 0;
  const from = now + offset;
  const { data, loading, error, refetch } = useQuery(FactoryDocument, {
    variables: { from, to: from + WINDOW },
    skip: !clock.data,
  });
  return (
    <Page
      title="The factory 工厂"
      actions={
        <Link to="/chip/plan" className="button">
          Plan a chip order
        </Link>
      }
    >
      <p>
        Production clock: tick <strong data-testid="clock-now">{now}</strong>
        {clock.data?.productionClock.tickMs
          ? `, one tick every ${clock.data.productionClock.tickMs} ms`
          : ', moved by the admin'}
        .
      </p>
      <div className="inline-form">
        <span>
          Calendars from tick {from} to {from + WINDOW}
        </span>
        <button
          type="button"
          className="button-secondary"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - WINDOW))}
        >
          Earlier
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => setOffset(offset + WINDOW)}
        >
          Later
        </button>
      </div>
      <ErrorNotice error={error ?? clock.error} retry={() => void refetch()} />
      {(loading || clock.loading) && !data && <Loading what="Loading the plants" />}
      {data && !data.plants.length && <Empty>The factory has no plants.</Empty>}
      {data && data.plants.length > 0 && (
        <Section title={`${data.plants.length} plants`}>
          <ul className="plants" aria-label="Plants">
            {data.plants.map((plant) => (
              <li key={plant.id} className="plant-row" data-plant={plant.name}>
                <span className="plant-name">{plant.name}</span>
                <PlantStatusBadge status={plant.status} />
                <span className="muted">{percent(plant.utilization)} booked</span>
                <Calendar plant={plant} from={from} />
                <Capabilities plant={plant} />
              </li>
            ))}
          </ul>
        </Section>
      )}
    </Page>
  );
}
