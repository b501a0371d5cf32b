import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { AdvanceProductionClockDocument, ProductionClockDocument } from '../generated/graphql.ts';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';

/** The production clock: chip orders start and finish as it passes their schedule. */
export function ClockPanel() {
  const clock = useQuery(ProductionClockDocument);
  const [ticks, setTicks] = useState('1');
  const [advance, { loading, error }] = useMutation(AdvanceProductionClockDocument);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void advance({ variables: { ticks: Number(ticks) } }).catch(() => {});
  };
  if (clock.error && !clock.data) return <ErrorNotice error={clock.error} />;
  if (!clock.data) return <Loading what="Reading the clock" />;
  const { now, tickMs } = clock.data.productionClock;
  return (
    <form className="form" aria-label="Production clock" onSubmit={submit}>
      <p>
        Now: tick <strong data-testid="clock-now">{now}</strong>
        {tickMs
          ? ` (runs by itself, one tick every ${tickMs} ms)`
          : ' (moves only when advanced here)'}
      </p>
      <div className="form-row">
        <label>
          Ticks
          <input
            name="ticks"
            type="number"
            min={1}
            value={ticks}
            onChange={(e) => setTicks(e.target.value)}
          />
        </label>
        <button type="submit" disabled={loading}>
          {loading ? 'Advancing…' : 'Advance the clock'}
        </button>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}
