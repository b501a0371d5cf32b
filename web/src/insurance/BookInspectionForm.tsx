import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { BookInspectionDocument } from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { localInputValue } from '../shared/format.ts';

/** The owner (or staff) books the inspection of a paid plan order: underwriting starts. */
export function BookInspectionForm({ orderId }: { orderId: string }) {
  const [planTime, setPlanTime] = useState(() =>
    localInputValue(new Date(Date.now() + 2 * 86_400_000)),
  );
  const [place, setPlace] = useState('');
  const [book, { data, loading, error }] = useMutation(BookInspectionDocument, {
    refetchQueries: ['OrderDetail'],
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void book({
      variables: {
        input: {
          orderId,
          planTime: new Date(planTime).toISOString(),
          validatePlace: place,
          validateUpdateTime: new Date().toISOString(),
        },
      },
    }).catch(() => {});
  };
  return (
    <form className="form" aria-label="Book the inspection" onSubmit={submit}>
      <p>Book the vehicle inspection: when and where an operator sees the vehicle.</p>
      <div className="form-row">
        <label>
          When
          <input
            name="planTime"
            type="datetime-local"
            value={planTime}
            onChange={(e) => setPlanTime(e.target.value)}
            required
          />
        </label>
        <label>
          Where
          <input
            name="validatePlace"
            value={place}
            onChange={(e) => setPlace(e.target.value)}
            placeholder="北京市东城区东直门东方银座"
            required
          />
        </label>
      </div>
      <UserErrors errors={data?.createUnderwrite.errors} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading}>
        {loading ? 'Booking…' : 'Book the inspection'}
      </button>
    </form>
  );
}
