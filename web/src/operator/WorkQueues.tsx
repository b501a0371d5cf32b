import { useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import {
  InspectionScheduleDocument,
  OrdersAwaitingActionDocument,
  UnderwritingQueueDocument,
  type OrderKind,
  type QueuedUnderwriteFragment,
} from '../generated/graphql.ts';
import { session } from '../auth/session.ts';
import { OrderList, OrderRow } from '../orders/OrderList.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { localInputValue, when } from '../shared/format.ts';
import { Section } from '../shared/layout.tsx';

// Each queue shows this many, then "More" for the next page under it.
const PAGE = 10;

interface Page<Edge> {
  totalCount: number;
  edges: readonly Edge[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** A page of a queue, its loading, error and empty states, and "More" for the next page. */
function QueuePage<Edge>({
  result,
  after,
  label,
  row,
  next,
}: {
  result: { data?: Page<Edge>; loading: boolean; error?: unknown; refetch: () => unknown };
  after?: string;
  label: string;
  row: (edge: Edge) => ReactNode;
  next: (after: string) => ReactNode;
}) {
  const [more, setMore] = useState(false);
  const { data, loading, error, refetch } = result;
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading the queue" />;
  if (!data?.edges.length) return after ? null : <Empty>Nothing waits here.</Empty>;
  const { hasNextPage, endCursor } = data.pageInfo;
  return (
    <>
      {!after && <p className="muted">{data.totalCount} waiting</p>}
      <ul className="orders" aria-label={label}>
        {data.edges.map(row)}
      </ul>
      {hasNextPage &&
        endCursor &&
        (more ? (
          next(endCursor)
        ) : (
          <button type="button" className="button-secondary" onClick={() => setMore(true)}>
            More
          </button>
        ))}
    </>
  );
}

function AwaitingAction({ kind, after }: { kind?: OrderKind; after?: string }) {
  const query = useQuery(OrdersAwaitingActionDocument, { variables: { kind, first: PAGE, after } });
  return (
    <QueuePage
      result={{ ...query, data: query.data?.ordersAwaitingAction }}
      after={after}
      label="Orders waiting for staff"
      row={({ node, step, waitingSince }) => (
        <OrderRow key={node.id} order={node} showOwner>
          To do: <strong>{step}</strong> · waiting since {when(waitingSince)}
        </OrderRow>
      )}
      next={(cursor) => <AwaitingAction kind={kind} after={cursor} />}
    />
  );
}

function UnderwriteRow({ edge }: { edge: QueuedUnderwriteFragment }) {
  const { node, waitingSince } = edge;
  return (
    <OrderRow order={node.order} showOwner to={`/operator/underwriting/${node.order.id}`}>
      Inspection {when(node.planTime)} at {node.validatePlace}
      {node.realTime && <> · inspected {when(node.realTime)}</>}
      {node.operator && <> · by {node.operator.name}</>} · waiting since {when(waitingSince)}
    </OrderRow>
  );
}

function Underwriting({
  stage,
  operatorId,
  after,
}: {
  stage: 'AWAITING_INSPECTION' | 'AWAITING_RESULT';
  operatorId?: string;
  after?: string;
}) {
  const query = useQuery(UnderwritingQueueDocument, {
    variables: { stage, operatorId, first: PAGE, after },
  });
  return (
    <QueuePage
      result={{ ...query, data: query.data?.underwritingQueue }}
      after={after}
      label={stage === 'AWAITING_INSPECTION' ? 'Inspections to do' : 'Results to give'}
      row={(edge) => <UnderwriteRow key={edge.node.id} edge={edge} />}
      next={(cursor) => <Underwriting stage={stage} operatorId={operatorId} after={cursor} />}
    />
  );
}

function Schedule({
  day,
  onlyUninspected,
  after,
}: {
  day: string;
  onlyUninspected: boolean;
  after?: string;
}) {
  // The day in the browser's time zone.
  const from = new Date(`${day}T00:00`);
  const to = new Date(from);
  to.setDate(to.getDate() + 1);
  const query = useQuery(InspectionScheduleDocument, {
    variables: {
      from: from.toISOString(),
      to: to.toISOString(),
      onlyUninspected,
      first: PAGE,
      after,
    },
  });
  return (
    <QueuePage
      result={{ ...query, data: query.data?.inspectionSchedule }}
      after={after}
      label="Inspection schedule"
      row={(edge) => <UnderwriteRow key={edge.node.id} edge={edge} />}
      next={(cursor) => <Schedule day={day} onlyUninspected={onlyUninspected} after={cursor} />}
    />
  );
}

const KINDS: [OrderKind | '', string][] = [
  ['', 'Every kind'],
  ['SHOP', 'Shop orders to deliver'],
  ['PLAN', 'Plan orders to book an inspection for'],
];

/** The staff's work: the service's queues, longest waiting first, each kept current live. */
export function WorkQueues() {
  const [kind, setKind] = useState<OrderKind | ''>('');
  const [onlyMine, setOnlyMine] = useState(false);
  const [day, setDay] = useState(() => localInputValue(new Date()).slice(0, 10));
  const [onlyUninspected, setOnlyUninspected] = useState(true);
  const me = session.get()?.consumer.id;
  return (
    <div data-testid="work-queues">
      <Section
        title="Orders waiting for staff 待处理"
        aside={
          <label>
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value as OrderKind | '')}>
              {KINDS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <AwaitingAction kind={kind || undefined} />
      </Section>
      <Section title="Inspections to do 待核保">
        <Underwriting stage="AWAITING_INSPECTION" />
      </Section>
      <Section
        title="Results to give 待出结果"
        aside={
          <label>
            <input
              type="checkbox"
              checked={onlyMine}
              onChange={(e) => setOnlyMine(e.target.checked)}
            />{' '}
            Only mine
          </label>
        }
      >
        <Underwriting stage="AWAITING_RESULT" operatorId={onlyMine ? me : undefined} />
      </Section>
      <Section
        title="Inspection schedule 核保日程"
        aside={
          <span className="form-row">
            <label>
              Day <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
            </label>
            <label>
              <input
                type="checkbox"
                checked={onlyUninspected}
                onChange={(e) => setOnlyUninspected(e.target.checked)}
              />{' '}
              Only those still to do
            </label>
          </span>
        }
      >
        {day && <Schedule day={day} onlyUninspected={onlyUninspected} />}
      </Section>
      <Section title="Unpaid insurance orders (offline payment)">
        <OrderList first={PAGE} kind="SALE" status="PENDING_PAYMENT" showOwner />
      </Section>
    </div>
  );
}
