import type { ChipPlanInput } from '../generated/graphql.ts';

/** A lot as the person edits it (numbers may be half typed). */
export interface LotDraft {
  key: string;
  chipName: string;
  packageId: string;
  quantity: string;
  plantNames: string[];
  startTimes: string[];
}

export interface PlanDraft {
  budget: string;
  expectedTime: string;
  lots: LotDraft[];
}

let lotKeys = 0;

export function newLot(chipName: string): LotDraft {
  lotKeys += 1;
  return {
    key: `lot-${lotKeys}`,
    chipName,
    packageId: '',
    quantity: '50',
    plantNames: [],
    startTimes: [],
  };
}

function integer(text: string): number {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) ? value : Number.NaN;
}

/** The API's input for the draft; a field that is not a whole number is left for the API to refuse. */
export function toPlanInput(draft: PlanDraft): ChipPlanInput {
  return {
    budget: draft.budget.trim(),
    expectedTime: integer(draft.expectedTime),
    lots: draft.lots.map((lot) => ({
      chipName: lot.chipName,
      packageId: lot.packageId.trim() || null,
      quantity: integer(lot.quantity),
      plantNames: lot.plantNames,
      startTimes: lot.startTimes.map(integer),
    })),
  };
}

/** What is wrong with the draft before it can be sent at all (the API judges the rest). */
export function draftProblems(draft: PlanDraft): string[] {
  const input = toPlanInput(draft);
  const problems: string[] = [];
  if (!/^\d+(\.\d{1,2})?$/.test(input.budget))
    problems.push('The budget must be an amount like 60005.00.');
  if (Number.isNaN(input.expectedTime)) problems.push('The expected finish must be a whole tick.');
  input.lots.forEach((lot, i) => {
    if (Number.isNaN(lot.quantity)) problems.push(`Lot ${i}: the quantity must be a whole number.`);
    if (lot.startTimes.some(Number.isNaN) || lot.startTimes.length < lot.plantNames.length)
      problems.push(`Lot ${i}: every step needs a whole start tick.`);
  });
  return problems;
}

/** The draft of a plan the service suggested (suggestChipPlans), ready to edit or analyse. */
export function draftOf(plan: ChipPlanInput): PlanDraft {
  return {
    budget: String(plan.budget),
    expectedTime: String(plan.expectedTime),
    lots: plan.lots.map((lot) => ({
      ...newLot(lot.chipName),
      packageId: String(lot.packageId ?? ''),
      quantity: String(lot.quantity),
      plantNames: [...lot.plantNames],
      startTimes: lot.startTimes.map(String),
    })),
  };
}
