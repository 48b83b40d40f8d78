import { NotFound, SideError, Throttled } from '../errors';
import type { GraphGateway } from '../graph';
import { type SubscriptionMessage, type SyncMessage, backfillMessage } from '../queue/messages';
import { SUBSCRIPTION_LIFETIME_MINUTES, subscribeRoom } from './subscribe';
import type { Store, SubscriptionRecord } from '../store';
import type { Logger } from '../telemetry/logger';

/**
 * Keeping every registered room subscribed: renew before expiry, reauthorize when Graph asks, make a new
 * subscription when Graph removed one, and after any gap (missed notifications, a new subscription)
 * queue a backfill so the reconcile catches what the gap hid (design §5).
 */

export interface UpkeepDeps {
  store: Store;
  graph: Pick<
    GraphGateway,
    'createSubscription' | 'renewSubscriptionsBatched' | 'reauthorizeSubscription' | 'deleteSubscription'
  >;
  enqueueSync(message: SyncMessage): Promise<void>;
  publicUrl: string;
  now(): Date;
  logger: Logger;
  correlationId: string;
}

/** Renew a subscription when less than this remains (the timer runs far more often than this). */
export const RENEWAL_HORIZON_MS = 24 * 3_600_000;

async function replace(room: string, old: SubscriptionRecord | undefined, deps: UpkeepDeps): Promise<void> {
  if (old) await deps.store.subscriptions.remove(old.id);
  const created = await subscribeRoom(room, deps);
  deps.logger.info('Subscription made anew', {
    room,
    subscriptionId: created.id,
    correlationId: deps.correlationId,
  });
  // Whatever changed while the room had no subscription reached nobody: compare everything.
  await deps.enqueueSync(backfillMessage(deps.correlationId, room));
}

export async function handleSubscriptionMessage(
  message: SubscriptionMessage,
  deps: UpkeepDeps,
): Promise<void> {
  if (message.kind === 'subscribe') {
    await replace(message.room, undefined, deps);
    return;
  }
  const record = await deps.store.subscriptions.get(message.subscriptionId);
  if (!record) {
    deps.logger.warn('Lifecycle event for a subscription roomsync does not hold', {
      subscriptionId: message.subscriptionId,
      correlationId: deps.correlationId,
    });
    return;
  }
  const log = {
    room: record.room,
    subscriptionId: record.id,
    correlationId: deps.correlationId,
    event: message.event,
  };
  switch (message.event) {
    case 'reauthorizationRequired':
      try {
        await deps.graph.reauthorizeSubscription(record.room, record.id);
        deps.logger.info('Subscription reauthorized', log);
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        await replace(record.room, record, deps);
      }
      // Notifications sent while it waited for reauthorization are lost.
      await deps.enqueueSync(backfillMessage(deps.correlationId, record.room));
      return;
    case 'subscriptionRemoved':
      deps.logger.warn('Graph removed the subscription; making a new one', log);
      await replace(record.room, record, deps);
      return;
    case 'missed':
      deps.logger.warn('Graph missed notifications; backfilling the room', log);
      await deps.enqueueSync(backfillMessage(deps.correlationId, record.room));
      return;
  }
}

/** What one renewal pass did. */
export interface RenewalOutcome {
  renewed: number;
  recreated: number;
  /** Throttled beyond what is waited out in place: left for the next pass (the timer runs every 30 min). */
  deferred: number;
  /** Refused for another reason (logged; the pass goes on and fails at its end). */
  failed: number;
}

/**
 * The renewal timer's pass: every subscription that expires within the horizon is extended, with JSON
 * batching (20 renewals a Graph request), or made anew when Graph no longer has it; every registered room
 * without a live subscription gets one. A throttled renewal is left for the next pass; any other refusal
 * is logged, the rest of the pass still runs, and the pass then fails so the run shows as failed.
 */
export async function renewSubscriptions(deps: UpkeepDeps): Promise<RenewalOutcome> {
  const now = deps.now();
  const outcome: RenewalOutcome = { renewed: 0, recreated: 0, deferred: 0, failed: 0 };
  let firstFailure: SideError | undefined;
  const rooms = await deps.store.rooms.list();
  const registered = new Set(rooms.map((r) => r.email.toLowerCase()));
  const due: SubscriptionRecord[] = [];
  for (const subscription of await deps.store.subscriptions.expiringBefore(
    new Date(now.getTime() + RENEWAL_HORIZON_MS),
  )) {
    if (registered.has(subscription.room.toLowerCase())) due.push(subscription);
    else await deps.store.subscriptions.remove(subscription.id);
  }
  const expirationDateTime = new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000);
  const answers = await deps.graph.renewSubscriptionsBatched(
    due.map((s) => ({ id: s.id, mailbox: s.room, expirationDateTime })),
  );
  const saves: Promise<void>[] = [];
  for (const subscription of due) {
    const answer = answers.get(subscription.id);
    const log = {
      room: subscription.room,
      subscriptionId: subscription.id,
      correlationId: deps.correlationId,
    };
    if (answer instanceof NotFound) {
      await replace(subscription.room, subscription, deps);
      outcome.recreated += 1;
    } else if (answer instanceof Throttled) {
      deps.logger.warn('Renewal throttled; left for the next pass', {
        ...log,
        retryAfterMs: answer.retryAfterMs,
      });
      outcome.deferred += 1;
    } else if (answer instanceof SideError || answer === undefined) {
      deps.logger.error('Renewal refused', { ...log, error: answer?.message ?? 'no answer' });
      firstFailure ??= answer;
      outcome.failed += 1;
    } else {
      saves.push(deps.store.subscriptions.save({ ...subscription, expiresAt: answer.expirationDateTime }));
      outcome.renewed += 1;
      // Table writes a few at a time: thousands at once would only queue up in the storage client.
      if (saves.length >= 32) await Promise.all(saves.splice(0));
    }
  }
  await Promise.all(saves);
  const live = new Set(
    (await deps.store.subscriptions.list())
      .filter((s) => Date.parse(s.expiresAt) > now.getTime())
      .map((s) => s.room.toLowerCase()),
  );
  for (const room of rooms) {
    if (!live.has(room.email.toLowerCase())) {
      await replace(room.email, undefined, deps);
      outcome.recreated += 1;
    }
  }
  if (outcome.failed > 0) {
    deps.logger.error('Renewal pass ended with refusals', { correlationId: deps.correlationId, ...outcome });
    throw firstFailure ?? new Error(`${String(outcome.failed)} renewals got no answer`);
  }
  return outcome;
}
