import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { loadStorageConfig } from '../../shared/config';
import { bookingFromReservation } from '../../shared/mapping';
import { expand } from '../../shared/recurrence';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { WorkplaceClient, type Reservation } from '../../shared/workplace';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
  startServiceHost,
  type ServiceHost,
} from '../helpers/service-host';
import { FUNCTION_KEY } from '../helpers/host';
import { waitFor } from '../helpers/wait';
import { reservationNamed, writableOf } from '../helpers/workplace';

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

  const window = { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2027-06-01T00:00:00Z') };
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
    const find = (): Promise<Reservation | undefined> =>
      reservationNamed(workplace, 'Thursday review', { roomId: 'wp-alpha' });
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

  /** Waits until the room's calendar holds exactly the reservation's occurrences of `subject`. */
  const sameOccurrences = async (reservationId: string, subject: string, what: string): Promise<string[]> => {
    let last: { want: string[]; got: string[] } = { want: [], got: [] };
    try {
      return await waitFor(
        what,
        async () => {
          const want = expected(await workplace.getReservation(reservationId));
          const got = starts(await roomView(), subject);
          last = { want, got };
          return JSON.stringify(want) === JSON.stringify(got) ? got : undefined;
        },
        20_000,
      );
    } catch {
      assert.deepEqual(last.got, last.want, what);
      throw new Error('unreachable');
    }
  };
  const masters = async (subject: string): Promise<string[]> =>
    (
      (await graph.api(`/users/${ROOM}/events`).select('id,subject,type').top(100).get()) as {
        value: { id: string; subject: string; type: string }[];
      }
    ).value
      .filter((e) => e.type === 'seriesMaster' && e.subject === subject)
      .map((e) => e.id);

  it('moving occurrence 5 of a synced Workplace series moves that occurrence in Exchange, in place', async () => {
    const made = await workplace.createReservation(
      {
        subject: 'Standup',
        start: '2027-01-11T09:00:00',
        end: '2027-01-11T09:15:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: { rrule: 'FREQ=DAILY;COUNT=8' },
        exceptions: [],
      },
      'standup-1',
    );
    await sameOccurrences(made.id, 'Standup', 'the series in Exchange');
    const [master] = await masters('Standup');
    assert.ok(master);
    const current = await workplace.getReservation(made.id);
    const moved = await workplace.replaceReservation(
      made.id,
      {
        ...writableOf(current),
        exceptions: [
          { originalStart: '2027-01-15T09:00:00', start: '2027-01-15T14:00:00', end: '2027-01-15T14:15:00' },
        ],
      },
      current.version,
    );
    const got = await sameOccurrences(made.id, 'Standup', 'occurrence 5 moved in Exchange');
    assert.ok(got.includes('2027-01-15T13:00:00.000Z'), 'occurrence 5 at 14:00 Brussels');
    assert.equal(got.length, 8);
    assert.deepEqual(await masters('Standup'), [master], 'the same series, updated in place');
    const after = await workplace.getReservation(made.id);
    assert.equal(after.version, moved.version, 'no write back to Workplace');
  });

  it('an Outlook series with two exceptions keeps them through a change of its end date', async () => {
    const master = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Planning',
      start: { dateTime: '2027-02-01T13:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-02-01T14:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'endDate', startDate: '2027-02-01', endDate: '2027-03-29' },
      },
    })) as { id: string };
    const find = (): Promise<Reservation | undefined> =>
      reservationNamed(workplace, (s) => s.startsWith('Planning'), { roomId: 'wp-alpha' });
    const made = await waitFor('the reservation', find, 20_000);
    const { value: occurrences } = (await graph
      .api(`/users/${ADA}/events/${master.id}/instances`)
      .query({ startDateTime: window.from.toISOString(), endDateTime: window.to.toISOString() })
      .get()) as { value: Instance[] };
    assert.equal(occurrences.length, 9);
    // Occurrence 2 cancelled, occurrence 4 moved to the afternoon and renamed, as an organizer does.
    await graph.api(`/users/${ADA}/events/${occurrences[1]?.id ?? ''}`).delete();
    await graph.api(`/users/${ADA}/events/${occurrences[3]?.id ?? ''}`).patch({
      subject: 'Planning (long)',
      start: { dateTime: '2027-02-22T15:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-02-22T17:00:00', timeZone: 'W. Europe Standard Time' },
    });
    const withExceptions = await waitFor(
      'both exceptions in Workplace',
      async () => {
        const r = await workplace.getReservation(made.id);
        return r.exceptions.length === 2 ? r : undefined;
      },
      20_000,
    );
    assert.deepEqual(withExceptions.exceptions, [
      { originalStart: '2027-02-08T13:00:00', cancelled: true },
      {
        originalStart: '2027-02-22T13:00:00',
        start: '2027-02-22T15:00:00',
        end: '2027-02-22T17:00:00',
        subject: 'Planning (long)',
      },
    ]);

    // The organizer ends the series three weeks earlier.
    await graph.api(`/users/${ADA}/events/${master.id}`).patch({
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'endDate', startDate: '2027-02-01', endDate: '2027-03-08' },
      },
    });
    const shortened = await waitFor(
      'the new end in Workplace',
      async () => {
        const r = await workplace.getReservation(made.id);
        return r.recurrence?.rrule.includes('UNTIL') && r.version > withExceptions.version ? r : undefined;
      },
      20_000,
    );
    assert.equal(shortened.exceptions.length, 2, 'both exceptions kept');
    const want = expected(shortened);
    assert.deepEqual(want, [
      '2027-02-01T12:00:00.000Z',
      '2027-02-15T12:00:00.000Z',
      '2027-02-22T14:00:00.000Z',
      '2027-03-01T12:00:00.000Z',
      '2027-03-08T12:00:00.000Z',
    ]);
    assert.deepEqual(starts(await roomView(), 'Planning'), want, 'the room holds the same occurrences');
  });

  it('a Workplace series whose end moves after two exceptions exist keeps them in Exchange', async () => {
    const made = await workplace.createReservation(
      {
        subject: 'Retro',
        start: '2027-04-06T16:00:00',
        end: '2027-04-06T17:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6' },
        exceptions: [
          { originalStart: '2027-04-13T16:00:00', cancelled: true },
          { originalStart: '2027-04-27T16:00:00', start: '2027-04-28T10:00:00', end: '2027-04-28T11:00:00' },
        ],
      },
      'retro-1',
    );
    await sameOccurrences(made.id, 'Retro', 'the series with its exceptions in Exchange');
    await quiescent(service);
    const writes = (): [number, number] => {
      const routes = service.graph.stats().byRoute;
      return [
        routes['PATCH /users/{user}/events/{id}'] ?? 0,
        routes['DELETE /users/{user}/events/{id}'] ?? 0,
      ];
    };
    const [patchesBefore, deletesBefore] = writes();
    const current = await workplace.getReservation(made.id);
    await workplace.replaceReservation(
      made.id,
      { ...writableOf(current), recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=9' } },
      current.version,
    );
    const got = await sameOccurrences(made.id, 'Retro', 'the longer series in Exchange');
    assert.equal(got.length, 7, 'nine weeks, one cancelled, one moved');
    assert.ok(got.includes('2027-04-28T08:00:00.000Z'), 'the moved occurrence stays moved');
    await quiescent(service);
    const [patches, deletes] = writes();
    // Exchange keeps exceptions through a change of the series' end: nothing to write again.
    assert.deepEqual([patches - patchesBefore, deletes - deletesBefore], [1, 0], 'one PATCH of the master');
  });

  it('a Workplace series moved to another time after exceptions exist is re-based in Exchange, exceptions re-applied', async () => {
    const made = await workplace.createReservation(
      {
        subject: 'Ops review',
        start: '2027-05-03T10:00:00',
        end: '2027-05-03T11:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4' },
        exceptions: [{ originalStart: '2027-05-10T10:00:00', cancelled: true }],
      },
      'ops-1',
    );
    await sameOccurrences(made.id, 'Ops review', 'the series in Exchange');
    const current = await workplace.getReservation(made.id);
    // The series moves an hour later; the client keys its exception by the new original start.
    await workplace.replaceReservation(
      made.id,
      {
        ...writableOf(current),
        start: '2027-05-03T11:00:00',
        end: '2027-05-03T12:00:00',
        exceptions: [{ originalStart: '2027-05-10T11:00:00', cancelled: true }],
      },
      current.version,
    );
    const got = await sameOccurrences(made.id, 'Ops review', 'the re-based series in Exchange');
    assert.deepEqual(got, [
      '2027-05-03T09:00:00.000Z',
      '2027-05-17T09:00:00.000Z',
      '2027-05-24T09:00:00.000Z',
    ]);
  });

  it('an Outlook series moved to another time loses its exceptions in Exchange, and so in Workplace', async () => {
    const master = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Budget',
      start: { dateTime: '2027-05-04T08:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-05-04T09:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
        range: { type: 'numbered', startDate: '2027-05-04', numberOfOccurrences: 3 },
      },
    })) as { id: string };
    const find = (): Promise<Reservation | undefined> =>
      reservationNamed(workplace, 'Budget', { roomId: 'wp-alpha' });
    const made = await waitFor('the reservation', find, 20_000);
    const { value: occurrences } = (await graph
      .api(`/users/${ADA}/events/${master.id}/instances`)
      .query({ startDateTime: window.from.toISOString(), endDateTime: window.to.toISOString() })
      .get()) as { value: Instance[] };
    await graph.api(`/users/${ADA}/events/${occurrences[1]?.id ?? ''}`).delete();
    await waitFor(
      'the cancellation in Workplace',
      async () => ((await workplace.getReservation(made.id)).exceptions.length === 1 ? true : undefined),
      20_000,
    );
    await graph.api(`/users/${ADA}/events/${master.id}`).patch({
      start: { dateTime: '2027-05-04T13:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-05-04T14:00:00', timeZone: 'W. Europe Standard Time' },
    });
    const moved = await waitFor(
      'the new time in Workplace',
      async () => {
        const r = await workplace.getReservation(made.id);
        return r.start === '2027-05-04T13:00:00' ? r : undefined;
      },
      20_000,
    );
    assert.deepEqual(moved.exceptions, [], 'Exchange dropped the exception when the series moved');
    assert.deepEqual(expected(moved), starts(await roomView(), 'Budget'));
    assert.equal(expected(moved).length, 3);
  });

  it('a Workplace series whose third occurrence clashes with an Exchange booking is not written over it', async () => {
    // A booking Exchange holds that roomsync has not seen (its notification was lost).
    await fetch(`${service.graph.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notifications: { drop: 1 } }),
    });
    await graph.api(`/users/${ROOM}/events`).post({
      subject: 'Boiler maintenance',
      start: { dateTime: '2027-07-16T09:30:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-07-16T10:30:00', timeZone: 'W. Europe Standard Time' },
    });
    await fetch(`${service.graph.url}/_emulator/faults`, { method: 'DELETE' });
    const made = await workplace.createReservation(
      {
        subject: 'Summer Fridays',
        start: '2027-07-02T10:00:00',
        end: '2027-07-02T11:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=4' },
        exceptions: [],
      },
      'summer-1',
    );
    await waitFor(
      'the line declined',
      async () =>
        (await workplace.getReservation(made.id)).lines[0]?.status === 'declined' ? true : undefined,
      20_000,
    );
    assert.deepEqual(await masters('Summer Fridays'), [], 'nothing written to Exchange');
    // Nothing was linked, so nothing is left claimed: later changes of it are not kept waiting.
    await quiescent(service);
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    assert.equal((await store.links.lookup('reservation', made.id)).state, 'none');
  });

  it('a Workplace pattern Exchange cannot express is not synced, shown in the room’s status, and synced once changed', async () => {
    const status = async (): Promise<{ notSynced: { reservationId: string; detail: string }[] }> =>
      (await (
        await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
      ).json()) as { notSynced: { reservationId: string; detail: string }[] };
    const made = await workplace.createReservation(
      {
        subject: 'Payday drinks',
        start: '2027-01-15T17:00:00',
        end: '2027-01-15T18:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        // The 15th and the last day of each month: two days a month, which Outlook cannot repeat on.
        recurrence: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=15,-1;COUNT=6' },
        exceptions: [],
      },
      'payday-1',
    );
    const [entry] = await waitFor(
      'the room’s status naming it',
      async () => {
        const listed = (await status()).notSynced.filter((n) => n.reservationId === made.id);
        return listed.length > 0 ? listed : undefined;
      },
      20_000,
    );
    assert.match(entry?.detail ?? '', /BYMONTHDAY/);
    await quiescent(service);
    assert.deepEqual(await masters('Payday drinks'), [], 'nothing written to Exchange');
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    const link = await store.links.byReservation(made.id);
    assert.equal(link?.value.notSynced?.reason, 'unsupportedRecurrence');
    assert.equal(
      (await workplace.getReservation(made.id)).version,
      made.version,
      'the reservation left as is',
    );

    // Changed to a pattern Exchange has: synced, and the status no longer lists it.
    const current = await workplace.getReservation(made.id);
    await workplace.replaceReservation(
      made.id,
      { ...writableOf(current), recurrence: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6' } },
      current.version,
    );
    await sameOccurrences(made.id, 'Payday drinks', 'the series in Exchange');
    await quiescent(service);
    assert.deepEqual(
      (await status()).notSynced.filter((n) => n.reservationId === made.id),
      [],
    );
    assert.equal((await store.links.byReservation(made.id))?.value.notSynced ?? null, null);
  });

  /** Graph requests (a $batch counts once) made while `work` runs and the sync settles after it. */
  const graphRequestsFor = async (work: () => Promise<void>): Promise<Record<string, number>> => {
    await quiescent(service);
    const before = { ...service.graph.stats().byRoute };
    await work();
    await quiescent(service);
    const after = service.graph.stats().byRoute;
    return Object.fromEntries(
      Object.entries(after)
        .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  };
  const total = (routes: Record<string, number>): number => Object.values(routes).reduce((a, b) => a + b, 0);

  it('a 52-week series costs the same few Graph calls each way, not one per occurrence', async (t) => {
    let reservationId = '';
    const toExchange = await graphRequestsFor(async () => {
      const made = await workplace.createReservation(
        {
          subject: 'Year of Fridays',
          start: '2027-01-08T16:00:00',
          end: '2027-01-08T17:00:00',
          timeZone: 'Europe/Brussels',
          responsible: { email: ADA, name: 'Ada Lovelace' },
          participants: [],
          lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
          recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=52' },
          exceptions: [
            { originalStart: '2027-02-05T16:00:00', cancelled: true },
            {
              originalStart: '2027-06-04T16:00:00',
              start: '2027-06-04T09:00:00',
              end: '2027-06-04T10:00:00',
            },
          ],
        },
        'fridays-1',
      );
      reservationId = made.id;
      await waitFor(
        'the series in Exchange',
        async () => ((await masters('Year of Fridays')).length === 1 ? true : undefined),
        20_000,
      );
    });
    const view = (await graph
      .api(`/users/${ROOM}/events/${(await masters('Year of Fridays'))[0] ?? ''}/instances`)
      .query({ startDateTime: '2027-01-01T00:00:00Z', endDateTime: '2028-01-31T00:00:00Z' })
      .top(100)
      .get()) as { value: unknown[] };
    assert.equal(view.value.length, 51, '52 Fridays, one cancelled');

    const toWorkplace = await graphRequestsFor(async () => {
      await graph.api(`/users/${ADA}/events`).post({
        subject: 'Year of Mondays',
        start: { dateTime: '2027-01-04T08:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2027-01-04T08:30:00', timeZone: 'W. Europe Standard Time' },
        attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2027-01-04', numberOfOccurrences: 52 },
        },
      });
      await waitFor(
        'the reservation',
        async () =>
          (await reservationNamed(workplace, 'Year of Mondays', { roomId: 'wp-alpha' })) ? true : undefined,
        20_000,
      );
    });
    // The test's own reads: the organizer's POST and its polling of the room's series masters.
    const own = (routes: Record<string, number>, ...mine: string[]): Record<string, number> =>
      Object.fromEntries(Object.entries(routes).filter(([route]) => !mine.includes(route)));
    const syncToExchange = own(toExchange, 'GET /users/{user}/events');
    const syncToWorkplace = own(toWorkplace, 'POST /users/{user}/events');
    t.diagnostic(`Workplace → Exchange, 52 weeks, 2 exceptions: ${JSON.stringify(syncToExchange)}`);
    t.diagnostic(`Exchange → Workplace, 52 weeks: ${JSON.stringify(syncToWorkplace)}`);
    // Workplace → Exchange: one conflict check over the year (one calendarView page), the create, one
    // instances read for both exceptions, one write each, one GET of the result. The notifications of
    // those writes name intermediate changeKeys, so each costs at most one GET that then writes nothing.
    assert.deepEqual(
      [
        syncToExchange['GET /users/{user}/calendarView'],
        syncToExchange['POST /users/{user}/events'],
        syncToExchange['GET /users/{user}/events/{id}/instances'],
        syncToExchange['DELETE /users/{user}/events/{id}'],
        syncToExchange['PATCH /users/{user}/events/{id}'],
      ],
      [1, 1, 1, 1, 1],
    );
    assert.ok(
      total(syncToExchange) <= 12,
      `Workplace → Exchange used ${String(total(syncToExchange))} Graph calls`,
    );
    // Exchange → Workplace: one GET of the room's master, whole (exceptions expanded), per notification.
    assert.ok(
      total(syncToWorkplace) <= 3,
      `Exchange → Workplace used ${String(total(syncToWorkplace))} Graph calls`,
    );
    assert.ok(reservationId);
  });
});
