import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  AlterNoteDocument,
  AlterRealPlaceDocument,
  AlterValidatePlaceDocument,
  OrderDetailDocument,
  UploadPhotosDocument,
  type UnderwriteDetailFragment,
} from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { ErrorNotice, Loading, UserErrors } from '../shared/feedback.tsx';
import { Page, Section } from '../shared/layout.tsx';
import { StatusBadge } from '../shared/status-badge.tsx';
import { AlterField } from './AlterField.tsx';
import { FillInspectionForm } from './FillInspectionForm.tsx';
import { ResultForm } from './ResultForm.tsx';
import { UnderwriteSummary } from './UnderwriteSummary.tsx';

function AlterFields({
  underwrite: u,
  reload,
}: {
  underwrite: UnderwriteDetailFragment;
  reload: () => Promise<unknown>;
}) {
  const [alterValidatePlace] = useMutation(AlterValidatePlaceDocument);
  const [alterRealPlace] = useMutation(AlterRealPlaceDocument);
  const [alterNote] = useMutation(AlterNoteDocument);
  const underwriteId = u.id;
  return (
    <div className="alter-fields">
      {u.result == null && (
        <AlterField
          label="Place asked 预约地点"
          name="validatePlace"
          value={u.validatePlace}
          updatedAt={u.validateUpdateTime}
          reload={reload}
          save={async (validatePlace, validateUpdateTime) => {
            const { data } = await alterValidatePlace({
              variables: { underwriteId, validatePlace, validateUpdateTime },
            });
            return data?.alterValidatePlace.errors ?? [];
          }}
        />
      )}
      <AlterField
        label="Place inspected 实际地点"
        name="realPlace"
        value={u.realPlace ?? ''}
        updatedAt={u.realUpdateTime}
        reload={reload}
        save={async (realPlace, realUpdateTime) => {
          const { data } = await alterRealPlace({
            variables: { underwriteId, realPlace, realUpdateTime },
          });
          return data?.alterRealPlace.errors ?? [];
        }}
      />
      <AlterField
        label="Note 备注"
        name="note"
        multiline
        value={u.note ?? ''}
        updatedAt={u.noteUpdateTime}
        reload={reload}
        save={async (note, noteUpdateTime) => {
          const { data } = await alterNote({ variables: { underwriteId, note, noteUpdateTime } });
          return data?.alterNote.errors ?? [];
        }}
      />
    </div>
  );
}

function AddPhotos({ underwriteId }: { underwriteId: string }) {
  const [urls, setUrls] = useState('');
  const [upload, { data, loading, error }] = useMutation(UploadPhotosDocument);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const list = urls.split(/\s+/).filter(Boolean);
    void upload({ variables: { underwriteId, urls: list } })
      .then((r) => {
        if (r.data?.uploadPhotos.underwrite) setUrls('');
      })
      .catch(() => {});
  };
  return (
    <form className="inline-form" aria-label="Add photos" onSubmit={submit}>
      <label className="grow">
        Photo address
        <input name="photoUrl" value={urls} onChange={(e) => setUrls(e.target.value)} />
      </label>
      <button type="submit" disabled={loading || !urls.trim()}>
        Add
      </button>
      <UserErrors errors={data?.uploadPhotos.errors} />
      <ErrorNotice error={error} />
    </form>
  );
}

/** The operator's underwriting form of one plan order. */
export function UnderwritingPage({ orderId }: { orderId: string }) {
  const { data, loading, error, refetch } = useQuery(OrderDetailDocument, {
    variables: { id: orderId },
  });
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading the underwriting" />;
  const order = data?.order;
  const underwrite = order?.__typename === 'PlanOrder' ? order.underwrite : null;
  if (!order || !underwrite) {
    return (
      <Page title="No underwriting">
        <p>
          This order has no inspection booked. <Link to={`/orders/${orderId}`}>See the order</Link>.
        </p>
      </Page>
    );
  }
  const open = order.status === 'UNDERWRITING' && underwrite.result == null;
  const reload = () => refetch();
  return (
    <Page
      title={`Underwriting ${order.orderNo}`}
      actions={<StatusBadge status={order.status} label={order.statusLabel} />}
    >
      <p>
        <Link to={`/orders/${order.id}`}>The order</Link> · {order.consumer.name}
        {order.__typename === 'PlanOrder' && ` · ${order.vehicle.plateNumber}`}
      </p>
      <Section title="Inspection 核保信息">
        <UnderwriteSummary underwrite={underwrite} />
      </Section>
      {open && (
        <Section title="Fill in the inspection 填写核保">
          <FillInspectionForm underwrite={underwrite} />
        </Section>
      )}
      {(underwrite.realPlace != null || underwrite.result != null) && (
        <Section title="Result 核保结果">
          <ResultForm key={underwrite.result ?? 'none'} underwrite={underwrite} />
        </Section>
      )}
      <Section title="Places and note 地点与备注">
        <AlterFields underwrite={underwrite} reload={reload} />
        <AddPhotos underwriteId={underwrite.id} />
      </Section>
    </Page>
  );
}
