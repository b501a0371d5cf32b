import type { RequestContext } from '../../context.ts';
import type { LiveConnection } from './live-subscription.ts';
import type { OrderEventHub } from './order-event.hub.ts';

/** What a graphql-ws operation's context carries beyond an HTTP one. */
export interface LiveBinding {
  hub: OrderEventHub;
  connection: LiveConnection;
}

/** The context of an operation over graphql-ws; `live` is absent over HTTP. */
export type LiveContext = RequestContext & { live?: LiveBinding };
