import type { UnderwriteDetailFragment } from '../generated/graphql.ts';
import { when } from '../shared/format.ts';
import { Facts } from '../shared/layout.tsx';
import { CERTIFICATE, RESULT } from './underwrite-labels.ts';

/** The inspection as it stands: what the consumer and the operator both see. */
export function UnderwriteSummary({ underwrite: u }: { underwrite: UnderwriteDetailFragment }) {
  return (
    <>
      <Facts
        items={[
          ['Inspection booked for', when(u.planTime)],
          ['Place asked 预约地点', u.validatePlace],
          ['Place inspected 实际地点', u.realPlace ?? '—'],
          ['Certificates', u.certificateState ? CERTIFICATE[u.certificateState] : '—'],
          ['Operator', u.operator?.name ?? '—'],
          [
            'Result 核保结果',
            <span key="r" data-testid="underwrite-result">
              {u.result ? RESULT[u.result] : 'Not yet'}
            </span>,
          ],
          ['Decided', when(u.realTime)],
          ['Note', u.note || '—'],
        ]}
      />
      {u.problems.length > 0 && (
        <>
          <h3>Problems found 问题</h3>
          <ul className="compact" aria-label="Problems">
            {u.problems.map((p) => (
              <li key={p.id}>
                <strong>{p.type}</strong>: {p.description}
              </li>
            ))}
          </ul>
        </>
      )}
      {u.photos.length > 0 && (
        <>
          <h3>Photos 照片</h3>
          {/* Links, not images: the console loads nothing from other hosts. */}
          <ul className="compact" aria-label="Photos">
            {u.photos.map((p) => (
              <li key={p.id}>
                <a href={p.url} target="_blank" rel="noreferrer noopener">
                  {p.url}
                </a>{' '}
                <span className="muted">{when(p.createdAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
