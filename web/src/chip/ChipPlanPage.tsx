import { useMutation, useQuery } from '@apollo/client/react';
import { useCallback, useMemo, useState } from 'react';
import {
  AnalyzeChipPlanDocument,
  ChipsDocument,
  ConfirmChipOrderDocument,
  type AnalysisFieldsFragment,
} from '../generated/graphql.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { ErrorNotice, Loading, UserErrors } from '../shared/feedback.tsx';
import { money, newKey } from '../shared/format.ts';
import { Page, Section } from '../shared/layout.tsx';
import { KpiTables } from './KpiTables.tsx';
import { LotEditor } from './LotEditor.tsx';
import {
  draftOf,
  draftProblems,
  newLot,
  toPlanInput,
  type LotDraft,
  type PlanDraft,
} from './plan-draft.ts';
import { ScheduleTimeline } from './ScheduleTimeline.tsx';
import { SuggestPanel } from './SuggestPanel.tsx';
import { Violations, violationsAt } from './Violations.tsx';

function AnalysisResult({ analysis }: { analysis: AnalysisFieldsFragment }) {
  return (
    <Section
      title="Analysis 分析"
      aside={
        <span className={analysis.feasible ? 'badge badge-effective' : 'badge badge-rejected'}>
          {analysis.feasible ? 'Feasible 可行' : `${analysis.violations.length} problem(s) 不合理`}
        </span>
      }
    >
      <Violations violations={violationsAt(analysis.violations, null, null)} />
      {!analysis.feasible && (
        <p className="muted">Problems of a lot or a step are shown on that lot and step above.</p>
      )}
      {analysis.kpi && <KpiTables kpi={analysis.kpi} />}
      {analysis.kpi && <ScheduleTimeline kpi={analysis.kpi} />}
    </Section>
  );
}

export function ChipPlanPage() {
  const { search } = useLocation();
  const chips = useQuery(ChipsDocument);
  const firstChip = search.get('chip') ?? 'CK101';
  const [draft, setDraft] = useState<PlanDraft>(() => ({
    budget: '100000.00',
    expectedTime: '200',
    lots: [newLot(firstChip)],
  }));
  const [analyse, analysed] = useMutation(AnalyzeChipPlanDocument);
  const [confirm, confirmed] = useMutation(ConfirmChipOrderDocument, {
    refetchQueries: ['Balance', 'Ledger', 'OrderList'],
  });
  // The input the shown analysis judged, and the key its confirmation is sent with.
  const [judged, setJudged] = useState<{ input: string; key: string } | null>(null);

  const input = useMemo(() => toPlanInput(draft), [draft]);
  const problems = draftProblems(draft);
  const current = JSON.stringify(input);
  const confirmation = confirmed.data?.confirmChipOrder;
  // A refused confirmation's analysis is the newest judgement of this plan.
  const analysis =
    (judged?.input === current && confirmation?.analysis) || analysed.data?.analyzeChipOrder;
  const upToDate = judged?.input === current;

  const setLot = useCallback(
    (i: number) => (lot: LotDraft) =>
      setDraft((d) => ({ ...d, lots: d.lots.map((old, j) => (j === i ? lot : old)) })),
    [],
  );
  const lotHandlers = useMemo(() => draft.lots.map((_, i) => setLot(i)), [draft.lots, setLot]);

  if (chips.error && !chips.data) return <ErrorNotice error={chips.error} />;
  if (!chips.data) return <Loading what="Loading the chips" />;
  const chipNames = chips.data.chips.map((c) => c.name);
  const now = chips.data.productionClock.now;

  const runAnalysis = async () => {
    const result = await analyse({ variables: { input } }).catch(() => null);
    if (result?.data) setJudged({ input: current, key: newKey('chip') });
  };
  const runConfirm = async () => {
    if (!judged) return;
    const result = await confirm({ variables: { input, idempotencyKey: judged.key } }).catch(
      () => null,
    );
    const order = result?.data?.confirmChipOrder.order;
    if (order) navigate(`/orders/${order.id}`);
  };

  return (
    <Page title="Plan a chip order 芯片订单">
      <p className="muted">
        The production clock is at tick {now}. Each lot runs its chip's steps in order, one plant a
        step; analyse the plan to see what is wrong with it and what it costs, then confirm to pay
        for it and book the plants.
      </p>
      <SuggestPanel
        chipNames={chipNames}
        draft={draft}
        onUse={(suggestion) => setDraft(draftOf(suggestion.plan))}
      />
      <form
        aria-label="Chip plan"
        onSubmit={(e) => {
          e.preventDefault();
          void runAnalysis();
        }}
      >
        <div className="form-row card">
          <label>
            Budget (CNY)
            <input
              name="budget"
              value={draft.budget}
              onChange={(e) => setDraft({ ...draft, budget: e.target.value })}
            />
          </label>
          <label>
            Expected finish (tick)
            <input
              name="expectedTime"
              inputMode="numeric"
              value={draft.expectedTime}
              onChange={(e) => setDraft({ ...draft, expectedTime: e.target.value })}
            />
          </label>
        </div>
        {draft.lots.map((lot, i) => (
          <LotEditor
            key={lot.key}
            index={i}
            lot={lot}
            chipNames={chipNames}
            now={now}
            violations={upToDate && analysis ? analysis.violations : []}
            onChange={lotHandlers[i]}
            onRemove={
              draft.lots.length > 1
                ? () => setDraft({ ...draft, lots: draft.lots.filter((_, j) => j !== i) })
                : undefined
            }
          />
        ))}
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            onClick={() =>
              setDraft({ ...draft, lots: [...draft.lots, newLot(draft.lots.at(-1)!.chipName)] })
            }
          >
            Add a lot
          </button>
          <button type="submit" disabled={analysed.loading || problems.length > 0}>
            {analysed.loading ? 'Analysing…' : 'Analyse the plan'}
          </button>
          <button
            type="button"
            disabled={!upToDate || !analysis?.feasible || confirmed.loading}
            onClick={() => void runConfirm()}
          >
            {confirmed.loading
              ? 'Confirming…'
              : analysis?.kpi && upToDate
                ? `Confirm and pay ${money(analysis.kpi.totalCost)}`
                : 'Confirm and pay'}
          </button>
        </div>
        {problems.length > 0 && (
          <ul className="notice notice-info">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {analysis && !upToDate && (
          <p className="notice notice-info">
            The plan changed since its analysis: analyse it again.
          </p>
        )}
      </form>
      <ErrorNotice error={analysed.error ?? confirmed.error} />
      {upToDate && <UserErrors errors={confirmation?.errors} />}
      {analysis && upToDate && <AnalysisResult analysis={analysis} />}
    </Page>
  );
}
