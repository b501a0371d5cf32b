import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  AlterUnderwriteResultDocument,
  SubmitUnderwriteResultDocument,
  type UnderwriteDetailFragment,
  type UnderwriteResult,
} from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { when } from '../shared/format.ts';
import { RESULT } from './underwrite-labels.ts';

/** Submit the underwriting result, or change it later (refund or new debit follow). */
export function ResultForm({ underwrite }: { underwrite: UnderwriteDetailFragment }) {
  const altering = underwrite.result != null;
  const [result, setResult] = useState<UnderwriteResult>(
    underwrite.result === 'PASSED' ? 'FAILED' : 'PASSED',
  );
  // When the decision was taken: when the person chose it (stale if someone decided later).
  const [decidedAt, setDecidedAt] = useState<string | null>(null);
  const options = { refetchQueries: ['OrderDetail'] };
  const [submitResult, submitted] = useMutation(SubmitUnderwriteResultDocument, options);
  const [alterResult, altered] = useMutation(AlterUnderwriteResultDocument, options);
  const outcome = altering ? altered : submitted;
  const errors = altering
    ? altered.data?.alterUnderwriteResult.errors
    : submitted.data?.submitUnderwriteResult.errors;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const variables = {
      underwriteId: underwrite.id,
      result,
      resultUpdateTime: decidedAt ?? new Date().toISOString(),
    };
    const send = altering ? alterResult({ variables }) : submitResult({ variables });
    void send.then(() => setDecidedAt(null)).catch(() => {});
  };

  return (
    <form className="form" aria-label="Result" onSubmit={submit}>
      {altering && (
        <p>
          Current result: <strong>{RESULT[underwrite.result!]}</strong>, since{' '}
          {when(underwrite.resultUpdateTime)}.
        </p>
      )}
      <fieldset className="choices">
        <legend>{altering ? 'Change the result to' : 'Result 核保结果'}</legend>
        {(Object.keys(RESULT) as UnderwriteResult[]).map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="result"
              value={value}
              checked={result === value}
              onChange={() => {
                setResult(value);
                setDecidedAt(new Date().toISOString());
              }}
            />
            <span>{RESULT[value]}</span>
          </label>
        ))}
      </fieldset>
      <UserErrors errors={errors} />
      <ErrorNotice error={outcome.error} />
      <button
        type="submit"
        disabled={outcome.loading || (altering && result === underwrite.result)}
      >
        {altering ? 'Change the result' : 'Submit the result'}
      </button>
    </form>
  );
}
