import type { PubSub } from 'type-graphql';

/**
 * type-graphql refuses to build a schema with subscriptions and no PubSub, even when every
 * subscription brings its own `subscribe` (ours read the order_events outbox through the
 * live hub). This one fails loudly if a topic-based subscription is ever added by mistake.
 */
export const noTopicsPubSub: PubSub = {
  publish() {
    throw new Error('topic subscriptions are not used: events are published by order_events rows');
  },
  subscribe() {
    throw new Error('topic subscriptions are not used: give @Subscription a `subscribe` function');
  },
};
