// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { app, type InvocationContext, type Timer, type TimerFunctionOptions } from '@azure/functions';
import { getServices } from '../shared/runtime';
import { renewSubscriptions } from '../shared/subscriptions/upkeep';

const services = getServices();

export async function renewSubscriptionsHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const outcome = await renewSubscriptions({
    store: await services.ready(),
    graph: services.graph,
    enqueueSync: services.enqueueSync,
    publicUrl: services.config.publicUrl,
    now: () => new Date(),
    logger: services.logger,
    correlationId: context.invocationId,
  });
  services.logger.info('Subscriptions renewed', { correlationId: context.invocationId, ...outcome });
}

// Every 30 minutes: subscriptions last about 70 hours and are renewed once less than a day remains, so a
// run can fail many times over before one expires.
export const renewSubscriptionsTimer = {
  name: 'renewSubscriptions',
  options: {
    schedule: '0 */30 * * * *',
    handler: renewSubscriptionsHandler,
  } satisfies TimerFunctionOptions,
};

app.timer(renewSubscriptionsTimer.name, renewSubscriptionsTimer.options);
