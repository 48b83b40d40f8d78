import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { bookingFromReservation } from '../../shared/mapping';
import { expand } from '../../shared/recurrence';
import { WorkplaceClient, type Reservation } from '../../shared/workplace';
import {
  addRoom,
  connectWorkplaceWebhook,
  registerRoom,
  sideClients,
  startServiceHost,
  type ServiceHost,
} from '../helpers/service-host';
import { waitFor } from '../helpers/wait';

const ROOM = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';
const rooms = {
  roomEmail: (id: string) => (id === 'wp-alpha' ? ROOM : undefined),
  workplaceRoomId: (email: string) => (email === ROOM ? 'wp-alpha' : undefined),
};

interface Instance {
  id: string;
  subject: string;
  start: { dateTime: string };
}

describe('sync, recurring series with exceptions, end to end', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    addRoom(service, ROOM, 'wp-alpha');
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    assert.equal(await registerRoom(service, ROOM, 'wp-alpha'), 201);
  });
  after(async () => {
    await service.close();
  });

  const window = { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2027-03-01T00:00:00Z') };
  const roomView = async (): Promise<Instance[]> =>
    (
      (await graph
        .api(`/users/${ROOM}/calendarView`)
        .query({ startDateTime: window.from.toISOString(), endDateTime: window.to.toISOString() })
        .top(200)
        .get()) as { value: Instance[] }
    ).value;
  /** The instants a reservation's occurrences start at, as the core expands it. */
  const expected = (reservation: Reservation): string[] =>
    expand(bookingFromReservation(reservation, rooms), window.from, window.to)
      .filter((o) => !o.cancelled)
      .map((o) => o.start.toISOString());
  const starts = (items: Instance[], subject: string): string[] =>
    items
      .filter((i) => i.subject.startsWith(subject))
      .map((i) => new Date(`${i.start.dateTime.slice(0, 23)}Z`).toISOString())
      .sort();

  it('a Workplace series with a cancelled and a moved occurrence arrives in Exchange with the same occurrences', async () => {
    const made = await workplace.createReservation(
      {
        subject: 'Weekly sync',
        start: '2026-12-07T10:00:00',
        end: '2026-12-07T11:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=6' },
        exceptions: [
          { originalStart: '2026-12-14T10:00:00', cancelled: true },
          { originalStart: '2027-01-04T10:00:00', start: '2027-01-04T12:00:00', end: '2027-01-04T13:00:00' },
        ],
      },
      'series-1',
    );
    const want = expected(made);
    assert.equal(want.length, 5);
    const got = await waitFor(
      'the series in the room’s calendar',
      async () => {
        const view = starts(await roomView(), 'Weekly sync');
        return view.length === want.length && view.every((s, i) => s === want[i]) ? view : undefined;
      },
      20_000,
    );
    assert.deepEqual(got, want);
  });

  it('an Outlook series with occurrence 3 cancelled arrives in Workplace with the same occurrences', async () => {
    const master = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Thursday review',
      start: { dateTime: '2026-12-03T15:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-12-03T16:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
        range: { type: 'numbered', startDate: '2026-12-03', numberOfOccurrences: 5 },
      },
    })) as { id: string };
    const find = async (): Promise<Reservation | undefined> => {
      for await (const r of workplace.listReservations({ roomId: 'wp-alpha' }))
        if (r.subject === 'Thursday review') return r;
      return undefined;
    };
    await waitFor('the reservation', find, 20_000);
    const { value: occurrences } = (await graph
      .api(`/users/${ADA}/events/${master.id}/instances`)
      .query({ startDateTime: window.from.toISOString(), endDateTime: window.to.toISOString() })
      .get()) as { value: Instance[] };
    const third = occurrences[2];
    assert.ok(third);
    await graph.api(`/users/${ADA}/events/${third.id}`).delete();
    const updated = await waitFor(
      'the cancellation in Workplace',
      async () => {
        const r = await find();
        return r && r.exceptions.length > 0 ? r : undefined;
      },
      20_000,
    );
    assert.deepEqual(updated.exceptions, [{ originalStart: '2026-12-17T15:00:00', cancelled: true }]);
    assert.equal(expected(updated).length, 4);
    assert.deepEqual(expected(updated), starts(await roomView(), 'Thursday review'));
  });
});
