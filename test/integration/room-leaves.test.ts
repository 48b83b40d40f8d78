import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncGraphChange, syncWorkplaceChange } from '../../shared/sync/run';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';
import { reservationNamed } from '../helpers/workplace';

/**
 * One room leaving an Outlook meeting of two rooms is not the meeting going. Found by the reliability
 * fuzzer (seed 30): a Workplace change of the reservation read the copy of the room that had left,
 * found it gone, and cancelled the whole reservation.
 */

const ALPHA = 'room.alpha@contoso.com';
const BETA = 'room.beta@contoso.com';
const ADA = 'ada@contoso.com';
const DAY = new Date(Date.now() + 11 * 86_400_000).toISOString().slice(0, 10);

describe('a room leaving an Outlook meeting (real Azurite and emulators)', () => {
  let world: SyncWorld;
  before(async () => {
    world = await startSyncWorld([
      { email: ALPHA, workplaceRoomId: 'wp-alpha' },
      { email: BETA, workplaceRoomId: 'wp-beta' },
    ]);
    world.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
  });
  after(() => world.close());

  it('a room invited again after it left is back in the reservation', async () => {
    // Found by the reliability fuzzer (seed 474): the room stayed out, its line declined.
    const graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
    const attendee = (address: string) => ({ type: 'resource', emailAddress: { address } });
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Planning',
      start: { dateTime: `${DAY}T14:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${DAY}T14:30:00`, timeZone: 'UTC' },
      attendees: [attendee(ALPHA), attendee(BETA)],
    })) as { id: string };
    const copyIn = async (room: string): Promise<string | undefined> => {
      await world.graph.meetings.settle();
      const items = await world.deps.graph.calendarView(
        room,
        new Date(`${DAY}T00:00:00Z`),
        new Date(`${DAY}T23:59:00Z`),
      );
      return items.find((e) => e['subject'] === 'Planning' && e.isCancelled !== true)?.id;
    };
    const notify = async (room: string, eventId: string | undefined) =>
      syncGraphChange(
        {
          v: 1,
          correlationId: 'c',
          kind: 'graphChange',
          room,
          subscriptionId: 's',
          eventId: eventId ?? '',
          changeType: 'updated',
        },
        world.deps,
      );
    const alphaCopy = await copyIn(ALPHA);
    await notify(ALPHA, alphaCopy);
    await notify(BETA, await copyIn(BETA));
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ attendees: [attendee(BETA)] });
    await notify(ALPHA, alphaCopy);
    const made = await reservationNamed(world.deps.workplace, 'Planning');
    assert.ok(made);
    assert.deepEqual(
      made.lines.map((l) => [l.roomId, l.status]),
      [
        ['wp-alpha', 'declined'],
        ['wp-beta', 'confirmed'],
      ],
    );
    await graph
      .api(`/users/${ADA}/events/${meeting.id}`)
      .patch({ attendees: [attendee(BETA), attendee(ALPHA)] });
    await notify(ALPHA, await copyIn(ALPHA));
    const now = await world.deps.workplace.getReservation(made.id);
    assert.deepEqual(now.lines.map((l) => [l.roomId, l.status]).sort(), [
      ['wp-alpha', 'confirmed'],
      ['wp-beta', 'confirmed'],
    ]);
  });

  it('a later Workplace change reads the room that still holds it, and the reservation stays', async () => {
    const graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
    const attendee = (address: string) => ({ type: 'resource', emailAddress: { address } });
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Retro',
      start: { dateTime: `${DAY}T10:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${DAY}T10:30:00`, timeZone: 'UTC' },
      attendees: [attendee(ALPHA), attendee(BETA)],
    })) as { id: string };
    await world.graph.meetings.settle();
    const copyIn = async (room: string): Promise<string> => {
      const items = await world.deps.graph.calendarView(
        room,
        new Date(`${DAY}T00:00:00Z`),
        new Date(`${DAY}T23:59:00Z`),
      );
      const copy = items.find((e) => e['subject'] === 'Retro');
      assert.ok(copy, `${room} holds the meeting`);
      return copy.id;
    };
    const notify = async (room: string, eventId: string) =>
      syncGraphChange(
        {
          v: 1,
          correlationId: 'c',
          kind: 'graphChange',
          room,
          subscriptionId: 's',
          eventId,
          changeType: 'updated',
        },
        world.deps,
      );
    await notify(ALPHA, await copyIn(ALPHA));
    await notify(BETA, await copyIn(BETA));
    const made = await reservationNamed(world.deps.workplace, 'Retro');
    assert.ok(made);
    assert.equal(made.lines.length, 2);

    // Alpha leaves the meeting; its notification is lost. A Workplace change (a sweep's, say) comes first.
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ attendees: [attendee(BETA)] });
    await world.graph.meetings.settle();
    await syncWorkplaceChange(
      {
        v: 1,
        correlationId: 'c',
        kind: 'workplaceChange',
        reservationId: made.id,
        type: 'reservation.updated',
      },
      world.deps,
    );
    const now = await world.deps.workplace.getReservation(made.id);
    assert.equal(now.cancelled, false, 'the reservation is not cancelled');
    assert.deepEqual(
      now.lines.filter((l) => l.status === 'confirmed').map((l) => l.roomId),
      ['wp-beta'],
      'only the room that left is off it',
    );
  });
});
