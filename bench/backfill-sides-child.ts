import { readEventBody } from '../emulators/graph/event-model';
import { startGraphEmulator } from '../emulators/graph/server';
import { startWorkplaceEmulator } from '../emulators/workplace/server';
import { addRoomToEmulators } from '../test/helpers/emulator-rooms';
import type { SidesPlan } from './backfill-sides';

/** The emulators of bench/backfill-sides.ts, run as that process's child: it sends the plan. */

const ADA = { emailAddress: { name: 'Ada', address: 'ada@contoso.com' } };
const DAY = 86_400_000;

async function serve(plan: SidesPlan): Promise<void> {
  const [graph, workplace] = await Promise.all([
    startGraphEmulator({ meetings: { processingDelayMs: 1 } }),
    startWorkplaceEmulator({ port: 0 }),
  ]);
  graph.directory.add({ email: ADA.emailAddress.address, displayName: 'Ada', kind: 'person' });
  for (const room of plan.rooms) addRoomToEmulators(graph, workplace, room);
  const started = performance.now();
  let occurrences = 0;
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const accepted = { response: 'accepted' as const, time: now.toISOString() };
  for (const room of plan.rooms) {
    const mailbox = graph.directory.mailbox(room.email);
    for (let i = 0; i < plan.eventsPerRoom; i += 1) {
      const series = i < plan.seriesPerRoom;
      // Singles: day 1-300, 08:00 or 10:00. Series: from day 1 + 12j at 12:00-15:00, weekly ×4 (no overlaps).
      const j = series ? i : i - plan.seriesPerRoom;
      const day = series ? 1 + 12 * i : 1 + (j % 300);
      const hour = series ? 12 + (i % 4) : 8 + 2 * Math.floor(j / 300);
      const start = today + day * DAY + hour * 3_600_000;
      const body: Record<string, unknown> = {
        subject: `${series ? 'Weekly' : 'Meeting'} ${String(i)} in ${room.email}`,
        start: { dateTime: iso(start), timeZone: 'UTC' },
        end: { dateTime: iso(start + (series ? 1_800_000 : 3_600_000)), timeZone: 'UTC' },
        location: { displayName: room.email },
        attendees: [
          { emailAddress: ADA.emailAddress, type: 'required' },
          { emailAddress: { name: room.email, address: room.email }, type: 'resource' },
        ],
      };
      if (series) {
        body.recurrence = {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday(start)] },
          range: { type: 'numbered', startDate: iso(start).slice(0, 10), numberOfOccurrences: 4 },
        };
        occurrences += 4;
      } else occurrences += 1;
      graph.events.create(mailbox, {
        ...readEventBody(body),
        organizer: ADA,
        isOrganizer: false,
        responseStatus: accepted,
      });
    }
  }
  process.send?.({
    graphUrl: graph.url,
    workplaceUrl: workplace.url,
    occurrences,
    seedSeconds: (performance.now() - started) / 1000,
  });
  const stop = (): void => {
    void Promise.all([graph.stop(), workplace.stop()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

function weekday(ms: number): string {
  return ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
    new Date(ms).getUTCDay()
  ] as string;
}

process.once('message', (plan) => void serve(plan as SidesPlan));
