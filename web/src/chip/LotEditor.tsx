import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo } from 'react';
import { ChipStepsDocument, type ChipStepsQuery } from '../generated/graphql.ts';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import type { LotDraft } from './plan-draft.ts';
import { operationTicks, sequentialStarts } from './plan-math.ts';
import { Violations, violationsAt, type Violation } from './Violations.tsx';

type Operation = NonNullable<ChipStepsQuery['chip']>['operations'][number];

function capability(op: Operation, plantName: string, chipName: string) {
  const plant = op.plants.find((p) => p.name === plantName);
  return plant?.capabilities.find((c) => c.chipName === chipName && c.step === op.step);
}

/** Ticks each step takes with the chosen plants (0 where no plant is chosen yet). */
function durations(lot: LotDraft, operations: readonly Operation[]): number[] {
  return operations.map((op, i) => {
    const cap = capability(op, lot.plantNames[i] ?? '', lot.chipName);
    return cap ? operationTicks(Number(lot.quantity), cap.unitTime) : 0;
  });
}

/** The plants first offered for each step: the first one not in maintenance. */
function defaultPlants(operations: readonly Operation[]): string[] {
  return operations.map(
    (op) => (op.plants.find((p) => p.status !== 'MAINTENANCE') ?? op.plants[0])?.name ?? '',
  );
}

export function LotEditor({
  index,
  lot,
  chipNames,
  violations,
  now,
  onChange,
  onRemove,
}: {
  index: number;
  lot: LotDraft;
  chipNames: readonly string[];
  violations: readonly Violation[];
  now: number;
  onChange: (lot: LotDraft) => void;
  onRemove?: () => void;
}) {
  const { data, loading, error } = useQuery(ChipStepsDocument, {
    variables: { name: lot.chipName },
  });
  const operations = useMemo(() => data?.chip?.operations ?? [], [data]);

  // A lot of a newly chosen chip starts with a plant per step and its steps one after another.
  useEffect(() => {
    if (!operations.length || lot.plantNames.length === operations.length) return;
    const plantNames = defaultPlants(operations);
    const starts = sequentialStarts(now, durations({ ...lot, plantNames }, operations));
    onChange({ ...lot, plantNames, startTimes: starts.map(String) });
  }, [operations, lot, now, onChange]);

  const set = (patch: Partial<LotDraft>) => onChange({ ...lot, ...patch });
  const setAt = (field: 'plantNames' | 'startTimes', i: number, value: string) =>
    set({ [field]: lot[field].map((old, j) => (j === i ? value : old)) });
  const ticks = durations(lot, operations);

  return (
    <fieldset className="lot card" data-lot={index}>
      <legend>Lot {index}</legend>
      <div className="form-row">
        <label>
          Chip
          <select
            name="chipName"
            value={lot.chipName}
            onChange={(e) => set({ chipName: e.target.value, plantNames: [], startTimes: [] })}
          >
            {chipNames.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Quantity
          <input
            name="quantity"
            inputMode="numeric"
            value={lot.quantity}
            onChange={(e) => set({ quantity: e.target.value })}
          />
        </label>
        <label>
          Package id
          <input
            name="packageId"
            value={lot.packageId}
            onChange={(e) => set({ packageId: e.target.value })}
            placeholder="optional"
          />
        </label>
        {onRemove && (
          <button type="button" className="button-secondary" onClick={onRemove}>
            Remove lot
          </button>
        )}
      </div>
      <Violations violations={violationsAt(violations, index, null)} />
      <ErrorNotice error={error} />
      {loading && !data && <Loading what="Loading the chip's steps" />}
      {operations.length > 0 && (
        <>
          <ol className="steps">
            {operations.map((op, i) => {
              const start = Number(lot.startTimes[i]);
              return (
                <li key={op.step} className="step" data-step={op.step}>
                  <span className="step-name">
                    Step {op.step}: {op.name}
                  </span>
                  <label>
                    Plant
                    <select
                      name={`plant-${op.step}`}
                      value={lot.plantNames[i] ?? ''}
                      onChange={(e) => setAt('plantNames', i, e.target.value)}
                    >
                      {op.plants.map((plant) => {
                        const cap = capability(op, plant.name, lot.chipName);
                        return (
                          <option key={plant.id} value={plant.name}>
                            {plant.name}
                            {cap ? ` — ${money(cap.unitCost)}, ${cap.unitTime} ticks a chip` : ''}
                            {plant.status === 'MAINTENANCE' ? ' (maintenance)' : ''}
                          </option>
                        );
                      })}
                    </select>
                  </label>
                  <label>
                    Start tick
                    <input
                      name={`start-${op.step}`}
                      inputMode="numeric"
                      value={lot.startTimes[i] ?? ''}
                      onChange={(e) => setAt('startTimes', i, e.target.value)}
                    />
                  </label>
                  <span className="muted">
                    {ticks[i]} ticks
                    {Number.isFinite(start) ? `: [${start}, ${start + ticks[i]})` : ''}
                  </span>
                  <Violations violations={violationsAt(violations, index, op.step)} />
                </li>
              );
            })}
          </ol>
          <button
            type="button"
            className="button-secondary"
            onClick={() => set({ startTimes: sequentialStarts(now, ticks).map(String) })}
          >
            Run the steps one after another from tick {now}
          </button>
        </>
      )}
    </fieldset>
  );
}
