import type { OrderEventFieldsFragment } from '../generated/graphql.ts';
import { when } from '../shared/format.ts';
import { STATUS } from '../shared/status.ts';

const EVENT_LABEL: Record<string, string> = {
  ORDER_CREATED: 'Order created',
  STATUS_CHANGED: 'Status changed',
  UNDERWRITE_CREATED: 'Inspection booked',
  UNDERWRITE_FILLED: 'Inspection filled in',
  UNDERWRITE_RESULT: 'Underwriting result',
  PHOTO_ADDED: 'Photos added',
  NOTE_CHANGED: 'Note changed',
  PLACE_CHANGED: 'Place changed',
  BOOKINGS_FREED: 'Plant bookings freed',
  ORDER_DELETED: 'Order deleted',
};

function dataSummary(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  // Ids say nothing to a person (the order's own page has what they point to).
  return Object.entries(data as Record<string, unknown>)
    .filter(([key]) => !/Ids?$/.test(key))
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(' · ');
}

/** Everything that happened to the order, oldest first; live events are appended by the cache. */
export function EventTimeline({ events }: { events: readonly OrderEventFieldsFragment[] }) {
  return (
    <ol className="timeline" aria-label="Order events">
      {events.map((event) => (
        <li key={event.id} data-type={event.type}>
          <span className="timeline-when muted">{when(event.occurredAt)}</span>
          <strong>{EVENT_LABEL[event.type] ?? event.type}</strong>
          {event.toStatus && (
            <span>
              {event.fromStatus ? `${STATUS[event.fromStatus].label} → ` : ''}
              {STATUS[event.toStatus].label} {STATUS[event.toStatus].english}
            </span>
          )}
          <span className="muted">by {event.actor ? event.actor.name : 'the system'}</span>
          {dataSummary(event.data) && <small className="muted">{dataSummary(event.data)}</small>}
        </li>
      ))}
    </ol>
  );
}
