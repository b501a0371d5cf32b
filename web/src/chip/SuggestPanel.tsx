import { useLazyQuery } from '@apollo/client/react';
import { useState } from 'react';
import {
  SuggestChipPlansDocument,
  type ChipSuggestObjective,
  type SuggestChipPlansQuery,
} from '../generated/graphql.ts';
import { ErrorNotice } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { Section } from '../shared/layout.tsx';
import { toPlanInput, type PlanDraft } from './plan-draft.ts';

type Suggestion = SuggestChipPlansQuery['suggestChipPlans']['plans'][number];

const OBJECTIVES: [ChipSuggestObjective, string][] = [
  ['CHEAPEST', 'Cheapest 成本最低'],
  ['EARLIEST_FINISH', 'Earliest finish 最早完成'],
];

/**
 * Asks the service for the best plans (suggestChipPlans) for a chip and a quantity, within the
 * draft's budget and expected finish, and puts the chosen one into the builder (`onUse`).
 */
export function SuggestPanel({
  chipNames,
  draft,
  onUse,
}: {
  chipNames: readonly string[];
  draft: PlanDraft;
  onUse: (suggestion: Suggestion) => void;
}) {
  const [chipName, setChipName] = useState(draft.lots[0]?.chipName ?? chipNames[0]);
  const [quantity, setQuantity] = useState('100');
  const [objective, setObjective] = useState<ChipSuggestObjective>('CHEAPEST');
  const [suggest, { data, loading, error }] = useLazyQuery(SuggestChipPlansDocument, {
    fetchPolicy: 'no-cache',
  });
  const count = Number(quantity);
  const { budget, expectedTime } = toPlanInput(draft);
  const run = async () => {
    const result = await suggest({
      variables: {
        count: 3,
        input: {
          chipName,
          quantity: count,
          objective,
          // The builder's own limits, where they are readable.
          budget: /^\d+(\.\d{1,2})?$/.test(budget) ? budget : undefined,
          expectedTime: Number.isNaN(expectedTime) ? undefined : expectedTime,
        },
      },
    }).catch(() => null);
    const best = result?.data?.suggestChipPlans.plans[0];
    if (best) onUse(best);
  };
  const answer = data?.suggestChipPlans;
  return (
    <Section title="Suggest a plan 推荐方案">
      <div className="form-row">
        <label>
          Chip to make
          <select value={chipName} onChange={(e) => setChipName(e.target.value)}>
            {chipNames.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Chips in all
          <input
            inputMode="numeric"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
        </label>
        <label>
          Best by
          <select
            value={objective}
            onChange={(e) => setObjective(e.target.value as ChipSuggestObjective)}
          >
            {OBJECTIVES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={loading || !Number.isInteger(count) || count < 1}
          onClick={() => void run()}
        >
          {loading ? 'Searching…' : 'Suggest a plan'}
        </button>
      </div>
      <p className="muted">
        Within the budget and expected finish below; the best plan fills the builder, to analyse,
        change and confirm as any other.
      </p>
      <ErrorNotice error={error} />
      {answer && answer.plans.length === 0 && (
        <ul className="notice notice-error" aria-label="Why no plan">
          {answer.obstacles.map((o) => (
            <li key={o.code} data-code={o.code}>
              {o.message}
            </li>
          ))}
        </ul>
      )}
      {answer && answer.plans.length > 0 && (
        <ol className="compact" aria-label="Suggested plans">
          {answer.plans.map((s, i) => (
            <li key={i}>
              {s.plan.lots.length} lot(s), {money(s.kpi.totalCost)}, finished at tick{' '}
              {s.kpi.finishTime}
              {i === 0 && answer.optimal && <strong> · the best possible</strong>}{' '}
              <button type="button" className="button-link" onClick={() => onUse(s)}>
                Use plan {i + 1}
              </button>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
