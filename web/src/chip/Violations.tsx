import type { AnalysisFieldsFragment } from '../generated/graphql.ts';

export type Violation = AnalysisFieldsFragment['violations'][number];

const TITLE: Record<Violation['code'], string> = {
  NO_LOTS: 'No lots',
  UNKNOWN_CHIP: 'Unknown chip',
  UNKNOWN_PLANT: 'Unknown plant',
  INVALID_QUANTITY: 'Quantity',
  WRONG_PLANT_COUNT: 'Plants',
  WRONG_START_COUNT: 'Start times',
  PLANT_NOT_CAPABLE: 'Plant cannot do this step',
  PLANT_IN_MAINTENANCE: 'Plant in maintenance',
  START_IN_PAST: 'Starts in the past',
  STEP_OVERLAP: 'Overlaps the previous step',
  PLANT_BUSY: 'Plant busy',
  OVER_BUDGET: 'Over budget',
  LATE: 'Late',
};

/** Violations where they apply: a step's in its row, a lot's in its card, the plan's on top. */
export function Violations({ violations }: { violations: readonly Violation[] }) {
  if (!violations.length) return null;
  return (
    <ul className="violations" role="alert">
      {violations.map((v, i) => (
        <li key={i} data-code={v.code}>
          <strong>{TITLE[v.code]}:</strong> {v.message}
        </li>
      ))}
    </ul>
  );
}

export function violationsAt(
  violations: readonly Violation[],
  lot: number | null,
  step: number | null,
): Violation[] {
  return violations.filter((v) => (v.lot ?? null) === lot && (v.step ?? null) === step);
}
