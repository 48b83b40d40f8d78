// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { app, type InvocationContext, type Timer, type TimerFunctionOptions } from '@azure/functions';
import { getServices } from '../shared/runtime';

const services = getServices();

/** Drops the webhook deliveries remembered for longer than the retention (shared/store/deliveries.ts). */
export async function pruneDeliveriesHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const store = await services.ready();
  const pruned = await store.deliveries.prune(new Date());
  services.logger.info('Old Workplace webhook deliveries pruned', {
    correlationId: context.invocationId,
    pruned,
  });
}

// Daily: rows are kept by UTC day, so once a day drops whole days; off the hour, away from other timers.
export const pruneDeliveriesTimer = {
  name: 'pruneDeliveries',
  options: {
    schedule: '0 17 3 * * *',
    handler: pruneDeliveriesHandler,
  } satisfies TimerFunctionOptions,
};

app.timer(pruneDeliveriesTimer.name, pruneDeliveriesTimer.options);
