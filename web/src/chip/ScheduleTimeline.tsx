import type { ChipKpiFieldsFragment } from '../generated/graphql.ts';

const LOT_COLOURS = 8;

/** The schedule drawn per plant: one row each, a bar per operation over [start, end). */
export function ScheduleTimeline({ kpi }: { kpi: ChipKpiFieldsFragment }) {
  const operations = kpi.lots.flatMap((lot) =>
    lot.operations.map((op) => ({ ...op, lot: lot.lot })),
  );
  if (!operations.length) return null;
  const from = Math.min(...operations.map((op) => op.start));
  const span = Math.max(1, kpi.finishTime - from);
  const at = (tick: number) => `${((tick - from) / span) * 100}%`;
  return (
    <figure className="timeline-chart" aria-label="Schedule per plant">
      {kpi.plantLoads.map(({ plant }) => (
        <div key={plant.id} className="timeline-row">
          <span className="timeline-plant" title={plant.name}>
            {plant.name}
          </span>
          <span className="timeline-track">
            {operations
              .filter((op) => op.plant.id === plant.id)
              .map((op) => (
                <span
                  key={`${op.lot}-${op.step}`}
                  className={`timeline-bar lot-colour-${op.lot % LOT_COLOURS}`}
                  style={{ left: at(op.start), width: at(from + op.end - op.start) }}
                  title={`Lot ${op.lot} step ${op.step}: [${op.start}, ${op.end})`}
                >
                  L{op.lot}·S{op.step}
                </span>
              ))}
          </span>
        </div>
      ))}
      <figcaption className="timeline-axis muted">
        <span>tick {from}</span>
        <span>tick {kpi.finishTime}</span>
      </figcaption>
    </figure>
  );
}
