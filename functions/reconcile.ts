// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { app, type InvocationContext, type Timer, type TimerFunctionOptions } from '@azure/functions';
import { getServices } from '../shared/runtime';
import { reconcileMessage } from '../shared/queue/messages';

const services = getServices();

/** Queues one reconcile sweep per registered room; the sync worker runs them (design §5). */
export async function reconcileHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const store = await services.ready();
  const rooms = await store.rooms.list();
  for (const room of rooms) {
    await services.enqueueSync(reconcileMessage(context.invocationId, room.email));
  }
  services.logger.info('Reconcile sweeps queued', {
    correlationId: context.invocationId,
    rooms: rooms.length,
  });
}

// Every 15 minutes: a lost notification or webhook is repaired within one period. Each sweep is a delta
// round (changes only) per room, so a quiet room costs one Graph request and one Workplace request.
export const reconcileTimer = {
  name: 'reconcile',
  options: {
    schedule: '0 */15 * * * *',
    handler: reconcileHandler,
  } satisfies TimerFunctionOptions,
};

app.timer(reconcileTimer.name, reconcileTimer.options);
