import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { WorkplaceClient, type Reservation, type ReservationWrite } from '../../shared/workplace';
import { FUNCTION_KEY } from '../helpers/host';
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
const GRACE = 'grace@contoso.com';

interface GraphEvent {
  id: string;
  subject: string;
  organizer: { emailAddress: { address: string } };
  attendees: { type: string; emailAddress: { address: string } }[];
  start: { dateTime: string };
}

/** A Workplace reservation of Room Alpha made by Grace, in Brussels time; tests override what they are about. */
const reservationOf = (
  subject: string,
  start: string,
  end: string,
  overrides: Partial<ReservationWrite> = {},
): ReservationWrite => ({
  subject,
  start,
  end,
  timeZone: 'Europe/Brussels',
  responsible: { email: GRACE, name: 'Grace Hopper' },
  participants: [],
  lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
  recurrence: null,
  exceptions: [],
  ...overrides,
});

describe('sync, single bookings, end to end (local host, Azurite, both emulators)', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    addRoom(service, ROOM, 'wp-alpha');
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    service.graph.directory.add({ email: GRACE, displayName: 'Grace Hopper', kind: 'person' });
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    assert.equal(await registerRoom(service, ROOM, 'wp-alpha'), 201);
  });
  after(async () => {
    await service.close();
  });

  /** Waits until the sync queue has stayed empty for a while: every change and its echoes handled. */
  async function quiet(): Promise<void> {
    const queue = createStorageClients(loadStorageConfig(process.env)).queue(QUEUES.sync);
    let emptySince = Date.now();
    await waitFor(
      'the sync queue to stay empty',
      async () => {
        const { approximateMessagesCount = 0 } = await queue.getProperties();
        if (approximateMessagesCount > 0) emptySince = Date.now();
        return Date.now() - emptySince > 2500;
      },
      30_000,
      200,
    );
  }
  const graphCount = (route: string): number => service.graph.stats().byRoute[route] ?? 0;
  const workplaceCount = (route: string): number => service.workplace.stats().byRoute[route] ?? 0;

  const reservations = async (): Promise<Reservation[]> => {
    const all: Reservation[] = [];
    for await (const r of workplace.listReservations({ roomId: 'wp-alpha' })) all.push(r);
    return all;
  };
  const roomEvents = async (): Promise<GraphEvent[]> =>
    ((await graph.api(`/users/${ROOM}/events`).get()) as { value: GraphEvent[] }).value;

  it('a meeting made in Outlook inviting the room becomes a reservation in Workplace', async () => {
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Design review',
      start: { dateTime: '2026-12-07T10:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-12-07T11:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [
        { type: 'required', emailAddress: { address: GRACE, name: 'Grace Hopper' } },
        { type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } },
      ],
    });
    const [reservation] = await waitFor(
      'the reservation',
      async () => {
        const found = await reservations();
        return found.length > 0 ? found : undefined;
      },
      15_000,
    );
    assert.ok(reservation);
    assert.equal(reservation.subject, 'Design review');
    assert.equal(reservation.start, '2026-12-07T10:00:00');
    assert.equal(reservation.timeZone, 'Europe/Berlin');
    assert.deepEqual(reservation.responsible, { email: ADA, name: 'Ada Lovelace' });
    assert.deepEqual(
      reservation.participants.map((p) => p.email),
      [GRACE],
    );
    assert.deepEqual(reservation.lines, [{ roomId: 'wp-alpha', status: 'confirmed' }]);
    assert.equal(reservation.source, 'exchange');
  });

  it('a reservation made in Workplace becomes an event in the room’s calendar, the room its organizer', async () => {
    const made = await workplace.createReservation(
      reservationOf('Sprint planning', '2026-12-08T14:00:00', '2026-12-08T15:00:00', {
        participants: [{ email: ADA, name: 'Ada Lovelace', required: false }],
      }),
      'test-wp-1',
    );
    const event = await waitFor(
      'the event',
      async () => (await roomEvents()).find((e) => e.subject === 'Sprint planning'),
      15_000,
    );
    assert.equal(event.organizer.emailAddress.address, ROOM);
    assert.deepEqual(event.attendees.map((a) => [a.type, a.emailAddress.address]).sort(), [
      ['optional', ADA],
      ['required', GRACE],
    ]);
    assert.ok(made.id);
  });

  it('the echo of its own writes costs nothing: no Graph GET and no write, in either direction', async () => {
    await quiet();
    const before = {
      graphGets: graphCount('GET /users/{user}/events/{id}'),
      graphWrites: graphCount('POST /users/{user}/events') + graphCount('PATCH /users/{user}/events/{id}'),
      workplaceGets: workplaceCount('GET /reservations/{id}'),
      workplacePuts: workplaceCount('PUT /reservations/{id}'),
    };
    // Workplace -> Exchange: our event's notifications come back and are recognised by their changeKey.
    await workplace.createReservation(
      reservationOf('Echo check', '2026-12-09T09:00:00', '2026-12-09T09:30:00'),
      'test-echo-1',
    );
    await waitFor(
      'the event',
      async () => (await roomEvents()).find((e) => e.subject === 'Echo check'),
      15_000,
    );
    await quiet();
    assert.equal(
      graphCount('POST /users/{user}/events') +
        graphCount('PATCH /users/{user}/events/{id}') -
        before.graphWrites,
      1,
      'one create',
    );
    assert.equal(
      graphCount('GET /users/{user}/events/{id}') - before.graphGets,
      0,
      'no GET for the echo notifications',
    );
    // (The test's own POST made the reservation; nothing may be written back to it.)
    assert.equal(workplaceCount('PUT /reservations/{id}') - before.workplacePuts, 0, 'nothing written back');

    // Its cancellation: the worker reads the event once (it may have changed in Exchange meanwhile), and
    // the deletion comes back as a `deleted` notification naming an event no link holds any more (the
    // booking is forgotten with it), which needs no GET (bench cost scenario: was one more per cancel).
    const echo = (await reservations()).find((r) => r.subject === 'Echo check');
    assert.ok(echo);
    const getsBeforeCancel = graphCount('GET /users/{user}/events/{id}');
    await workplace.cancelReservation(echo.id, echo.version);
    await waitFor(
      'the event gone',
      async () => ((await roomEvents()).some((e) => e.subject === 'Echo check') ? undefined : true),
      15_000,
    );
    await quiet();
    assert.equal(
      graphCount('GET /users/{user}/events/{id}') - getsBeforeCancel,
      1,
      'one GET, the cancellation’s own read of the event; none for its deleted notification',
    );

    // Exchange -> Workplace: our reservation's webhook comes back and is recognised by its version.
    const wpGets = workplaceCount('GET /reservations/{id}');
    const wpWrites = workplaceCount('POST /reservations') + workplaceCount('PUT /reservations/{id}');
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Echo check from Outlook',
      start: { dateTime: '2026-12-10T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-10T11:00:00', timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
    });
    await waitFor(
      'the reservation',
      async () => (await reservations()).find((r) => r.subject === 'Echo check from Outlook'),
      15_000,
    );
    await quiet();
    assert.equal(
      workplaceCount('POST /reservations') + workplaceCount('PUT /reservations/{id}') - wpWrites,
      1,
      'one create',
    );
    assert.equal(workplaceCount('GET /reservations/{id}') - wpGets, 0, 'no GET for the echo webhook');
  });

  it('Outlook organizer updates and the cancellation follow into Workplace', async () => {
    const made = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Budget',
      start: { dateTime: '2026-12-11T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-11T10:00:00', timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
    })) as GraphEvent;
    const find = async (subject: string) =>
      (await reservations()).find((r) => r.subject === subject && !r.cancelled);
    const first = await waitFor('the reservation', () => find('Budget'), 15_000);
    await graph.api(`/users/${ADA}/events/${made.id}`).patch({
      subject: 'Budget (moved)',
      start: { dateTime: '2026-12-11T13:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-11T14:30:00', timeZone: 'UTC' },
    });
    const moved = await waitFor('the update', () => find('Budget (moved)'), 15_000);
    assert.equal(moved.id, first.id);
    assert.equal(moved.start, '2026-12-11T13:00:00');
    assert.equal(moved.end, '2026-12-11T14:30:00');
    assert.equal(moved.timeZone, 'UTC');
    await graph.api(`/users/${ADA}/events/${made.id}`).delete();
    await waitFor(
      'the cancellation',
      async () => (await workplace.getReservation(first.id)).cancelled,
      15_000,
    );
  });

  it('Workplace updates and the cancellation follow into the room’s calendar', async () => {
    const made = await workplace.createReservation(
      reservationOf('Retro', '2026-12-14T09:00:00', '2026-12-14T10:00:00'),
      'test-retro',
    );
    await waitFor('the event', async () => (await roomEvents()).find((e) => e.subject === 'Retro'), 15_000);
    const current = await workplace.getReservation(made.id);
    await workplace.replaceReservation(
      made.id,
      {
        subject: 'Retro (longer)',
        start: current.start,
        end: '2026-12-14T11:00:00',
        timeZone: current.timeZone,
        responsible: { email: GRACE, name: 'Grace Hopper' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
      },
      current.version,
    );
    const updated = await waitFor(
      'the update',
      async () => (await roomEvents()).find((e) => e.subject === 'Retro (longer)'),
      15_000,
    );
    assert.equal(updated.start.dateTime.slice(0, 16), '2026-12-14T08:00');
    await workplace.cancelReservation(made.id);
    await waitFor(
      'the deletion',
      async () => !(await roomEvents()).some((e) => e.subject.startsWith('Retro')),
      15_000,
    );
  });

  it('does not write a Workplace reservation over an Exchange booking, and shows the conflict in the room’s status', async () => {
    // A booking Exchange holds that roomsync has not seen (its notification was lost).
    await fetch(`${service.graph.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notifications: { drop: 1 } }),
    });
    await graph.api(`/users/${ROOM}/events`).post({
      subject: 'Maintenance',
      start: { dateTime: '2026-12-15T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-15T12:00:00', timeZone: 'UTC' },
    });
    await fetch(`${service.graph.url}/_emulator/faults`, { method: 'DELETE' });
    const made = await workplace.createReservation(
      reservationOf('Clashing workshop', '2026-12-15T10:00:00', '2026-12-15T11:00:00'),
      'test-clash',
    );
    const declined = await waitFor(
      'the line declined',
      async () => {
        const r = await workplace.getReservation(made.id);
        return r.lines[0]?.status === 'declined' ? r : undefined;
      },
      15_000,
    );
    assert.ok(declined);
    assert.ok(
      !(await roomEvents()).some((e) => e.subject === 'Clashing workshop'),
      'nothing written to Exchange',
    );
    const status = (await (
      await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
    ).json()) as { conflicts: number };
    const recorded = await createStore(
      createStorageClients(loadStorageConfig(process.env)),
    ).conflicts.forRoom(ROOM);
    assert.equal(status.conflicts, 1, JSON.stringify(recorded));
  });

  it('ownership: Workplace may cancel an Outlook-made booking (the room declines) but not edit it (restored, conflict recorded)', async () => {
    const made = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Board meeting',
      start: { dateTime: '2026-12-16T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-16T10:00:00', timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
    })) as GraphEvent;
    const reservation = await waitFor(
      'the reservation',
      async () => (await reservations()).find((r) => r.subject === 'Board meeting'),
      15_000,
    );
    const conflictsBefore = (
      (await (
        await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
      ).json()) as { conflicts: number }
    ).conflicts;

    // An edit from Workplace is refused: Exchange's version comes back, and the refusal is recorded.
    await workplace.replaceReservation(
      reservation.id,
      {
        subject: 'Renamed in Workplace',
        start: reservation.start,
        end: reservation.end,
        timeZone: reservation.timeZone,
        responsible: reservation.responsible
          ? { email: reservation.responsible.email, name: reservation.responsible.name ?? '' }
          : null,
        participants: reservation.participants.map((p) => ({
          email: p.email,
          name: p.name ?? '',
          required: p.required ?? true,
        })),
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
      },
      reservation.version,
    );
    await waitFor(
      'Exchange’s version restored',
      async () => (await workplace.getReservation(reservation.id)).subject === 'Board meeting' || undefined,
      15_000,
    );
    const status = (await (
      await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
    ).json()) as { conflicts: number };
    assert.equal(status.conflicts, conflictsBefore + 1);

    // A cancellation from Workplace is allowed: the room declines; the organizer sees it.
    await workplace.cancelReservation(reservation.id);
    await waitFor(
      'the room’s decline',
      async () => {
        const organizerCopy = (await graph.api(`/users/${ADA}/events/${made.id}`).get()) as {
          attendees: { emailAddress: { address: string }; status: { response: string } }[];
        };
        return (
          organizerCopy.attendees.find((a) => a.emailAddress.address === ROOM)?.status.response ===
            'declined' || undefined
        );
      },
      15_000,
    );
    assert.ok(
      !(await roomEvents()).some((e) => e.subject === 'Board meeting'),
      'gone from the room’s calendar',
    );
  });
});
