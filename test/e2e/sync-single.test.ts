import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { WorkplaceClient, type Reservation } from '../../shared/workplace';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { FUNCTION_KEY } from '../helpers/host';
import { startServiceHost, type ServiceHost } from '../helpers/service-host';
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

describe('sync, single bookings, end to end (local host, Azurite, both emulators)', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    service.graph.directory.add({
      email: ROOM,
      displayName: 'Room Alpha',
      kind: 'room',
      room: { deleteSubject: false, addOrganizerToSubject: false, bookingWindowInDays: 3650 },
    });
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    service.graph.directory.add({ email: GRACE, displayName: 'Grace Hopper', kind: 'person' });
    service.workplace.addRoom({ id: 'wp-alpha', name: 'Alpha', email: ROOM, timeZone: 'Europe/Brussels' });
    service.workplace.addWebhook({
      url: `${service.host.url}/api/workplace/webhook`,
      secret: process.env.WORKPLACE_WEBHOOK_SECRET ?? '',
    });
    graph = graphClient(service.graph.url, await fetchToken(service.graph.url));
    workplace = new WorkplaceClient({
      baseUrl: service.workplace.url,
      auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
    });
    const registered = await fetch(`${service.host.url}/api/rooms`, {
      method: 'POST',
      headers: { 'x-functions-key': FUNCTION_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ email: ROOM, workplaceRoomId: 'wp-alpha' }),
    });
    assert.equal(registered.status, 201);
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
      {
        subject: 'Sprint planning',
        start: '2026-12-08T14:00:00',
        end: '2026-12-08T15:00:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: GRACE, name: 'Grace Hopper' },
        participants: [{ email: ADA, name: 'Ada Lovelace', required: false }],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
      },
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
      {
        subject: 'Echo check',
        start: '2026-12-09T09:00:00',
        end: '2026-12-09T09:30:00',
        timeZone: 'Europe/Brussels',
        responsible: { email: GRACE, name: 'Grace Hopper' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
      },
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
});
