import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
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
import { daysFromAMonthAhead } from '../helpers/dates';
import { waitFor } from '../helpers/wait';
import { reservationNamed, reservationsNamed, writableOf } from '../helpers/workplace';

const ADA = 'ada@contoso.com';
/** The bookings' dates: relative to today, day(0) a Monday (test/helpers/dates.ts). */
const day = daysFromAMonthAhead();
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
      start: { dateTime: `${day(2)}T14:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(2)}T15:00:00`, timeZone: 'UTC' },
      attendees: ROOMS.map((address) => ({ type: 'resource', emailAddress: { address } })),
    });
    const all = (): Promise<Reservation[]> => reservationsNamed(workplace, 'All hands');
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

  it('a room that drops the meeting loses only its line; the organizer’s next update books it again, and its line comes back', async () => {
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Offsite prep',
      start: { dateTime: `${day(3)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(3)}T10:00:00`, timeZone: 'UTC' },
      attendees: ROOMS.map((address) => ({ type: 'resource', emailAddress: { address } })),
    })) as { id: string };
    const find = (subject: string): Promise<Reservation | undefined> => reservationNamed(workplace, subject);
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

    // The organizer renames the meeting. Exchange sends the update to every room it invites, Beta
    // too, whose calendar (AutoAccept) holds the meeting again: Beta is booked again, in Workplace too.
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ subject: 'Offsite prep (agenda)' });
    await waitFor(
      'the rename',
      async () =>
        (await workplace.getReservation(made.id)).subject === 'Offsite prep (agenda)' ? true : undefined,
      20_000,
    );
    const again = async (): Promise<number> =>
      (
        (await graph.api(`/users/${beta}/events`).top(100).get()) as { value: { subject: string }[] }
      ).value.filter((e) => e.subject === 'Offsite prep (agenda)').length;
    await waitFor('Beta booked again', async () => ((await again()) === 1 ? true : undefined), 20_000);
    await waitFor(
      'Beta’s line confirmed again',
      async () => ((await lines())[idOf(beta)] === 'confirmed' ? true : undefined),
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(await again(), 1, 'Beta still holds the meeting');
    assert.deepEqual(await lines(), {
      [idOf(ROOMS[0] ?? '')]: 'confirmed',
      [idOf(beta)]: 'confirmed',
      [idOf(ROOMS[2] ?? '')]: 'confirmed',
    });
  });

  const [ALPHA, BETA, GAMMA] = ROOMS as [string, string, string];
  interface Item {
    id: string;
    subject: string;
    isOrganizer: boolean;
    iCalUId: string;
    organizer: { emailAddress: { address: string } };
  }
  const calendar = async (room: string, subject: string): Promise<Item[]> =>
    ((await graph.api(`/users/${room}/events`).top(100).get()) as { value: Item[] }).value.filter(
      (e) => e.subject === subject,
    );
  const linesOf = async (id: string): Promise<Record<string, string>> =>
    Object.fromEntries((await workplace.getReservation(id)).lines.map((l) => [l.roomId, l.status]));
  const workplaceMade = (subject: string, day: string, roomIds: string[]): Promise<Reservation> =>
    workplace.createReservation(
      {
        subject,
        start: `${day}T13:00:00`,
        end: `${day}T14:00:00`,
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: roomIds.map((roomId) => ({ roomId, status: 'confirmed' as const })),
        recurrence: null,
        exceptions: [],
      },
      `multi-${subject}`,
    );

  it('a Workplace reservation with two rooms is one event in the first room, the second booked as its attendee', async () => {
    const made = await workplaceMade('Board meeting', day(7), [idOf(ALPHA), idOf(BETA)]);
    const [host] = await waitFor(
      'the event in Alpha',
      async () => {
        const items = await calendar(ALPHA, 'Board meeting');
        return items.length > 0 ? items : undefined;
      },
      20_000,
    );
    const [copy] = await waitFor(
      'Beta’s copy',
      async () => {
        const items = await calendar(BETA, 'Board meeting');
        return items.length > 0 ? items : undefined;
      },
      20_000,
    );
    assert.ok(host && copy);
    assert.equal(host.isOrganizer, true);
    assert.equal(copy.isOrganizer, false, 'Beta holds the meeting as an attendee, not an event of its own');
    assert.equal(copy.iCalUId, host.iCalUId);
    await quiescent(service);
    assert.equal((await calendar(BETA, 'Board meeting')).length, 1);
    const reservations = await reservationsNamed(workplace, 'Board meeting');
    assert.equal(reservations.length, 1, 'Beta’s copy is recognised: no second reservation');
    assert.deepEqual(await linesOf(made.id), { [idOf(ALPHA)]: 'confirmed', [idOf(BETA)]: 'confirmed' });
    assert.equal((await workplace.getReservation(made.id)).version, made.version, 'nothing written back');
  });

  it('Workplace removing one room of a two-room reservation removes that room’s copy; the other stays', async () => {
    const made = await workplaceMade('Design crit', day(8), [idOf(ALPHA), idOf(GAMMA)]);
    await waitFor(
      'both rooms booked',
      async () =>
        (await calendar(GAMMA, 'Design crit')).length > 0 && (await calendar(ALPHA, 'Design crit')).length > 0
          ? true
          : undefined,
      20_000,
    );
    await quiescent(service);
    const current = await workplace.getReservation(made.id);
    await workplace.replaceReservation(
      made.id,
      { ...writableOf(current), lines: [{ roomId: idOf(ALPHA), status: 'confirmed' }] },
      current.version,
    );
    await waitFor(
      'Gamma’s copy gone',
      async () => ((await calendar(GAMMA, 'Design crit')).length === 0 ? true : undefined),
      20_000,
    );
    await quiescent(service);
    assert.equal((await calendar(ALPHA, 'Design crit')).length, 1, 'Alpha keeps the meeting');
    const after = await workplace.getReservation(made.id);
    assert.equal(after.cancelled, false);
    assert.deepEqual(
      after.lines.map((l) => l.roomId),
      [idOf(ALPHA)],
    );
  });

  it('a room added in Workplace is booked in Exchange; a room added in Outlook gets its line', async () => {
    const made = await workplaceMade('Hiring sync', day(9), [idOf(ALPHA)]);
    await waitFor(
      'Alpha booked',
      async () => ((await calendar(ALPHA, 'Hiring sync')).length > 0 ? true : undefined),
      20_000,
    );
    await quiescent(service);
    const current = await workplace.getReservation(made.id);
    await workplace.replaceReservation(
      made.id,
      {
        ...writableOf(current),
        lines: [
          { roomId: idOf(ALPHA), status: 'confirmed' },
          { roomId: idOf(BETA), status: 'confirmed' },
        ],
      },
      current.version,
    );
    await waitFor(
      'Beta booked',
      async () => ((await calendar(BETA, 'Hiring sync')).length > 0 ? true : undefined),
      20_000,
    );

    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Quarterly plan',
      start: { dateTime: `${day(10)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(10)}T10:00:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ALPHA } }],
    })) as { id: string };
    const find = (): Promise<Reservation | undefined> => reservationNamed(workplace, 'Quarterly plan');
    const planned = await waitFor('the reservation', find, 20_000);
    await quiescent(service);
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({
      attendees: [
        { type: 'resource', emailAddress: { address: ALPHA } },
        { type: 'resource', emailAddress: { address: GAMMA } },
      ],
    });
    await waitFor(
      'Gamma’s line',
      async () => ((await linesOf(planned.id))[idOf(GAMMA)] === 'confirmed' ? true : undefined),
      20_000,
    );
    // And the organizer takes Gamma off again: Gamma no longer holds the booking (its line removed, or
    // declined when Gamma's copy going is seen first), Alpha's stays.
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({
      attendees: [{ type: 'resource', emailAddress: { address: ALPHA } }],
    });
    await waitFor(
      'Gamma off the reservation',
      async () => ((await linesOf(planned.id))[idOf(GAMMA)] !== 'confirmed' ? true : undefined),
      20_000,
    );
    await quiescent(service);
    assert.notEqual((await linesOf(planned.id))[idOf(GAMMA)], 'confirmed');
    assert.equal((await linesOf(planned.id))[idOf(ALPHA)], 'confirmed');
  });

  it('Workplace declining one room of a two-room Outlook meeting makes that room decline; the other keeps it', async () => {
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Town hall',
      start: { dateTime: `${day(11)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(11)}T10:00:00`, timeZone: 'UTC' },
      attendees: [
        { type: 'resource', emailAddress: { address: ALPHA } },
        { type: 'resource', emailAddress: { address: BETA } },
      ],
    });
    const find = (): Promise<Reservation | undefined> => reservationNamed(workplace, 'Town hall');
    const made = await waitFor(
      'the reservation with both rooms',
      async () => {
        const r = await find();
        return r && r.lines.length === 2 ? r : undefined;
      },
      20_000,
    );
    await quiescent(service);
    await workplace.declineLine(made.id, idOf(BETA), 'Beta is closed for maintenance');
    await waitFor(
      'Beta’s copy gone',
      async () => ((await calendar(BETA, 'Town hall')).length === 0 ? true : undefined),
      20_000,
    );
    await quiescent(service);
    assert.equal((await calendar(ALPHA, 'Town hall')).length, 1, 'Alpha keeps the meeting');
    const after = await workplace.getReservation(made.id);
    assert.deepEqual(Object.fromEntries(after.lines.map((l) => [l.roomId, l.status])), {
      [idOf(ALPHA)]: 'confirmed',
      [idOf(BETA)]: 'declined',
    });
    assert.equal(after.cancelled, false);
  });

  it('a room that declines the invitation (it never holds a copy) has its line declined, the others keep theirs', async () => {
    // Delta books at most a week ahead: Exchange's booking assistant declines this meeting for it.
    const DELTA = 'room.delta@contoso.com';
    service.graph.directory.add({
      email: DELTA,
      displayName: 'Room Delta',
      kind: 'room',
      room: { deleteSubject: false, addOrganizerToSubject: false, bookingWindowInDays: 7 },
    });
    service.workplace.addRoom({
      id: 'wp-delta',
      name: 'Room Delta',
      email: DELTA,
      timeZone: 'Europe/Brussels',
    });
    assert.equal(await registerRoom(service, DELTA, 'wp-delta'), 201);
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Strategy day',
      start: { dateTime: `${day(44)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(44)}T17:00:00`, timeZone: 'UTC' },
      attendees: [ALPHA, DELTA].map((address) => ({ type: 'resource', emailAddress: { address } })),
    });
    const find = (): Promise<Reservation | undefined> => reservationNamed(workplace, 'Strategy day');
    const made = await waitFor('the reservation', find, 20_000);
    assert.deepEqual(await calendar(DELTA, 'Strategy day'), [], 'Delta declined: no copy');
    await waitFor(
      'Delta’s line declined',
      async () => ((await linesOf(made.id))['wp-delta'] === 'declined' ? true : undefined),
      20_000,
    );
    await quiescent(service);
    const after = await workplace.getReservation(made.id);
    assert.deepEqual(Object.fromEntries(after.lines.map((l) => [l.roomId, l.status])), {
      [idOf(ALPHA)]: 'confirmed',
      'wp-delta': 'declined',
    });
    assert.match(
      service.workplace.store.declineReasons.get(`${made.id} wp-delta`) ?? '',
      /declined the meeting in Exchange/,
    );
  });

  it('a room roomsync does not sync stays a plain participant, not a reservation line', async () => {
    service.graph.directory.add({ email: 'room.annex@contoso.com', displayName: 'Annex', kind: 'room' });
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Annex tour',
      start: { dateTime: `${day(45)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(45)}T10:00:00`, timeZone: 'UTC' },
      attendees: [ALPHA, 'room.annex@contoso.com'].map((address) => ({
        type: 'resource',
        emailAddress: { address },
      })),
    });
    const made = await waitFor('the reservation', () => reservationNamed(workplace, 'Annex tour'), 20_000);
    assert.deepEqual(
      made.lines.map((l) => l.roomId),
      [idOf(ALPHA)],
    );
    assert.deepEqual(
      made.participants.map((p) => p.email),
      ['room.annex@contoso.com'],
    );
  });
});
