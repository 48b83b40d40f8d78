import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
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

const ADA = 'ada@contoso.com';
const ROOMS = ['room.alpha@contoso.com', 'room.beta@contoso.com', 'room.gamma@contoso.com'];
const idOf = (email: string): string => `wp-${email.split('@')[0]?.split('.')[1] ?? ''}`;

describe('sync, multi-room meetings, end to end', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    for (const email of ROOMS) addRoom(service, email, idOf(email));
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    for (const email of ROOMS) assert.equal(await registerRoom(service, email, idOf(email)), 201);
  });
  after(async () => {
    await service.close();
  });

  it('one Outlook meeting with three rooms, their notifications in parallel, makes exactly one reservation with three lines', async () => {
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'All hands',
      start: { dateTime: '2026-12-09T14:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-09T15:00:00', timeZone: 'UTC' },
      attendees: ROOMS.map((address) => ({ type: 'resource', emailAddress: { address } })),
    });
    const all = async (): Promise<Reservation[]> => {
      const found: Reservation[] = [];
      for await (const r of workplace.listReservations()) if (r.subject === 'All hands') found.push(r);
      return found;
    };
    const [reservation] = await waitFor(
      'the reservation',
      async () => ((await all()).length > 0 ? all() : undefined),
      20_000,
    );
    // Let every room's notifications be handled before counting.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal((await all()).length, 1, 'exactly one reservation');
    const latest = await workplace.getReservation(reservation?.id ?? '');
    assert.deepEqual(
      latest.lines.map((l) => [l.roomId, l.status]).sort(),
      ROOMS.map((email) => [idOf(email), 'confirmed']).sort(),
    );
    assert.equal(
      service.workplace.stats().byRoute['POST /reservations'],
      1,
      'one create, whatever the parallel notifications',
    );
  });

  it('a room that drops the meeting loses only its line, and keeps it lost through later updates', async () => {
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Offsite prep',
      start: { dateTime: '2026-12-10T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-10T10:00:00', timeZone: 'UTC' },
      attendees: ROOMS.map((address) => ({ type: 'resource', emailAddress: { address } })),
    })) as { id: string };
    const find = async (subject: string): Promise<Reservation | undefined> => {
      for await (const r of workplace.listReservations()) if (r.subject === subject) return r;
      return undefined;
    };
    const made = await waitFor('the reservation', () => find('Offsite prep'), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Someone deletes the meeting from Room Beta's calendar.
    const beta = ROOMS[1] ?? '';
    const [copy] = (
      (await graph.api(`/users/${beta}/events`).get()) as { value: { id: string; subject: string }[] }
    ).value.filter((e) => e.subject === 'Offsite prep');
    assert.ok(copy);
    await graph.api(`/users/${beta}/events/${copy.id}`).delete();
    const lines = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await workplace.getReservation(made.id)).lines.map((l) => [l.roomId, l.status]));
    await waitFor(
      'Beta’s line declined',
      async () => ((await lines())[idOf(beta)] === 'declined' ? true : undefined),
      20_000,
    );
    assert.equal(
      (await workplace.getReservation(made.id)).cancelled,
      false,
      'the reservation stays for the other rooms',
    );

    // The organizer renames the meeting: the reservation follows, Beta's line stays declined.
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ subject: 'Offsite prep (agenda)' });
    await waitFor(
      'the rename',
      async () =>
        (await workplace.getReservation(made.id)).subject === 'Offsite prep (agenda)' ? true : undefined,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.deepEqual(await lines(), {
      [idOf(ROOMS[0] ?? '')]: 'confirmed',
      [idOf(beta)]: 'declined',
      [idOf(ROOMS[2] ?? '')]: 'confirmed',
    });
  });
});
