import type { GraphQLError } from 'graphql';
import { graphQLError } from '../errors.ts';
import type { LiveConnection } from './live-subscription.ts';

/** What one subscription takes of its socket's and its consumer's room. */
export interface SubscriptionClaim {
  /** The consumer subscribing (staff included). */
  owner: string;
  /** The socket it runs on. */
  connection: LiveConnection;
  /** Estimated fields one event costs to resolve for it (query-limits.ts `operationCost`). */
  cost: number;
}

export interface QuotaLimits {
  perSocket: number;
  perConsumer: number;
  /** What one event may cost to resolve for all of a consumer's subscriptions together. */
  costPerEvent: number;
}

/**
 * Room for subscriptions, in this process's memory. One event reaches every subscription of
 * its consumer (and every staff subscription), so what it costs is the sum over them: that sum
 * is held under the query cost limit, as are their counts per socket and per consumer.
 */
export class LiveQuotas {
  private readonly bySocket = new Map<LiveConnection, number>();
  private readonly byOwner = new Map<string, { count: number; cost: number }>();

  constructor(private readonly limits: QuotaLimits) {}

  /** The refusal when the claim does not fit (nothing is taken then); undefined once taken. */
  take(claim: SubscriptionClaim): GraphQLError | undefined {
    const onSocket = this.bySocket.get(claim.connection) ?? 0;
    const owned = this.byOwner.get(claim.owner) ?? { count: 0, cost: 0 };
    const { perSocket, perConsumer, costPerEvent } = this.limits;
    if (onSocket >= perSocket) {
      return refusal(
        'subscriptionsPerSocket',
        perSocket,
        `This socket has ${perSocket} subscriptions open, the most it may; complete one first.`,
      );
    }
    if (owned.count >= perConsumer) {
      return refusal(
        'subscriptionsPerConsumer',
        perConsumer,
        `You have ${perConsumer} subscriptions open, the most one consumer may; complete one first.`,
      );
    }
    const cost = owned.cost + claim.cost;
    if (cost > costPerEvent) {
      return refusal(
        'subscriptionCost',
        costPerEvent,
        `Your subscriptions together would resolve an estimated ${cost} fields for each event; the limit is ${costPerEvent}. Select less, or complete one first.`,
        { measured: cost },
      );
    }
    this.bySocket.set(claim.connection, onSocket + 1);
    this.byOwner.set(claim.owner, { count: owned.count + 1, cost });
    return undefined;
  }

  /** Gives a taken claim's room back. */
  give(claim: SubscriptionClaim): void {
    const onSocket = (this.bySocket.get(claim.connection) ?? 1) - 1;
    if (onSocket > 0) this.bySocket.set(claim.connection, onSocket);
    else this.bySocket.delete(claim.connection);
    const owned = this.byOwner.get(claim.owner);
    if (!owned || owned.count <= 1) this.byOwner.delete(claim.owner);
    else this.byOwner.set(claim.owner, { count: owned.count - 1, cost: owned.cost - claim.cost });
  }
}

function refusal(
  limit: string,
  maximum: number,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return graphQLError('RATE_LIMITED', message, { limit, maximum, ...extra });
}
