import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  FillUnderwriteDocument,
  type CertificateState,
  type UnderwriteDetailFragment,
} from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { CERTIFICATE } from './underwrite-labels.ts';

interface ProblemDraft {
  type: string;
  description: string;
}

/** The inspection on site: the place, the certificates, the problems found, the photos taken. */
export function FillInspectionForm({ underwrite }: { underwrite: UnderwriteDetailFragment }) {
  const [realPlace, setRealPlace] = useState(underwrite.realPlace ?? underwrite.validatePlace);
  const [certificateState, setCertificateState] = useState<CertificateState>(
    underwrite.certificateState ?? 'NONE',
  );
  const [problems, setProblems] = useState<ProblemDraft[]>(() =>
    underwrite.problems.map(({ type, description }) => ({ type, description })),
  );
  const [photos, setPhotos] = useState('');
  const [fill, { data, loading, error }] = useMutation(FillUnderwriteDocument);
  const setProblem = (i: number, patch: Partial<ProblemDraft>) =>
    setProblems(problems.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void fill({
      variables: {
        input: {
          underwriteId: underwrite.id,
          realPlace,
          certificateState,
          problems,
          photos: photos
            .split(/\s+/)
            .map((url) => url.trim())
            .filter(Boolean),
        },
      },
    })
      .then((result) => {
        if (result.data?.fillUnderwrite.underwrite) setPhotos('');
      })
      .catch(() => {});
  };

  return (
    <form className="form" aria-label="Inspection" onSubmit={submit}>
      <div className="form-row">
        <label>
          Place inspected 实际地点
          <input
            name="realPlace"
            value={realPlace}
            onChange={(e) => setRealPlace(e.target.value)}
            required
          />
        </label>
        <label>
          Certificates 证件
          <select
            name="certificateState"
            value={certificateState}
            onChange={(e) => setCertificateState(e.target.value as CertificateState)}
          >
            {Object.entries(CERTIFICATE).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="problems">
        <legend>Problems found 问题</legend>
        {problems.map((p, i) => (
          <div key={i} className="form-row" data-problem={i}>
            <label>
              Type
              <input
                name={`problem-type-${i}`}
                value={p.type}
                onChange={(e) => setProblem(i, { type: e.target.value })}
                placeholder="剐蹭"
              />
            </label>
            <label className="grow">
              Description
              <input
                name={`problem-description-${i}`}
                value={p.description}
                onChange={(e) => setProblem(i, { description: e.target.value })}
              />
            </label>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setProblems(problems.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-secondary"
          onClick={() => setProblems([...problems, { type: '', description: '' }])}
        >
          Add a problem
        </button>
      </fieldset>
      <label>
        Photo addresses (http or https, one a line)
        <textarea
          name="photos"
          rows={2}
          value={photos}
          onChange={(e) => setPhotos(e.target.value)}
        />
      </label>
      <UserErrors errors={data?.fillUnderwrite.errors} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading}>
        {loading
          ? 'Saving…'
          : underwrite.realPlace
            ? 'Save the inspection again'
            : 'Save the inspection'}
      </button>
    </form>
  );
}
