import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SyncDeps } from '../../shared/sync';
import { syncGraphChange, syncWorkplaceChange } from '../../shared/sync';
import type { ReservationWrite } from '../../shared/workplace';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { ProcessDied, dyingAfter, startSyncWorld, type SyncWorld } from '../helpers/sync-world';
import { reservationsNamed } from '../helpers/workplace';

/**
 * Crash safety (issue 8): the worker's process dies between a write to the other side and the save of
 * the link that records it. Whatever handles the booking next (the same message again, or the
 * notification of the write itself) must make nothing twice, and must leave both sides at the booking's
 * latest version, though it changed meanwhile. Claims of the dead worker are taken over once stale.
 */

const ROOM = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';
const DAY = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

describe('crash between a write and the link save (real Azurite and emulators)', () => {
  let world: SyncWorld;
  let later: SyncDeps;
  before(async () => {
    world = await startSyncWorld(
      [{ email: ROOM, workplaceRoomId: 'wp-alpha' }],
      [{ email: ADA, displayName: 'Ada Lovelace' }],
    );
    // The retry comes after the dead worker's claims went stale (60 s).
    later = { ...world.deps, clock: { now: () => new Date(Date.now() + 61_000) } };
  });
  after(() => world.close());
  beforeEach(() => world.graph.stats());

  const reservation = (subject: string, hour: string): ReservationWrite => ({
    subject,
    start: `${DAY}T${hour}:00:00`,
    end: `${DAY}T${hour}:30:00`,
    timeZone: 'UTC',
    responsible: { email: ADA, name: 'Ada Lovelace' },
    participants: [],
    lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
    recurrence: null,
    exceptions: [],
  });
  const change = (id: string, version: number) =>
    ({
      v: 1,
      correlationId: 'c',
      kind: 'workplaceChange',
      reservationId: id,
      version,
      type: 'reservation.updated',
    }) as const;
  const eventsNamed = async (prefix: string) =>
    (
      await world.deps.exchange.calendarView(ROOM, new Date(`${DAY}T00:00:00Z`), new Date(`${DAY}T23:59:00Z`))
    ).filter((e) => typeof e['subject'] === 'string' && e['subject'].startsWith(prefix));

  it('the same message again: one event, at the reservation’s latest version', async () => {
    const made = await world.deps.workplace.createReservation(reservation('Board v1', '09'), 'crash-a');
    await assert.rejects(
      syncWorkplaceChange(change(made.id, 1), dyingAfter(world.deps, 'graph.createEvent')),
      ProcessDied,
    );
    assert.equal((await eventsNamed('Board')).length, 1, 'the event was made before the crash');
    const edited = await world.deps.workplace.replaceReservation(
      made.id,
      reservation('Board v2', '09'),
      made.version,
    );
    await syncWorkplaceChange(change(made.id, edited.version), later);
    const events = await eventsNamed('Board');
    assert.deepEqual(
      events.map((e) => e['subject']),
      ['Board v2'],
      'one event, brought up to date (the retried create returned the first one, as it was)',
    );
    assert.ok(await world.store.links.byReservation(made.id), 'the link is saved');
  });

  it('the notification of the event first: the reservation still owns it, nothing is written back to Workplace', async () => {
    const made = await world.deps.workplace.createReservation(reservation('Review v1', '11'), 'crash-b');
    await assert.rejects(
      syncWorkplaceChange(change(made.id, 1), dyingAfter(world.deps, 'graph.createEvent')),
      ProcessDied,
    );
    const [event] = await eventsNamed('Review');
    assert.ok(event);
    const edited = await world.deps.workplace.replaceReservation(
      made.id,
      reservation('Review v2', '11'),
      made.version,
    );
    await syncGraphChange(
      {
        v: 1,
        correlationId: 'c',
        kind: 'graphChange',
        room: ROOM,
        subscriptionId: 's',
        eventId: event.id,
        changeType: 'created',
      },
      later,
    );
    const now = await world.deps.workplace.getReservation(made.id);
    assert.equal(now.version, edited.version, 'Workplace is not overwritten with the event’s older version');
    assert.equal(now.subject, 'Review v2');
    assert.deepEqual(
      (await eventsNamed('Review')).map((e) => e['subject']),
      ['Review v2'],
    );
    assert.deepEqual(await world.store.conflicts.forRoom(ROOM), [], 'a crash is not a conflict');
  });

  it('an Outlook meeting: the reservation made before the crash is the one, at the meeting’s latest version', async () => {
    const graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Standup v1',
      start: { dateTime: `${DAY}T13:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${DAY}T13:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM } }],
    })) as { id: string };
    await world.graph.meetings.settle();
    const [copy] = await eventsNamed('Standup');
    assert.ok(copy, 'the room holds the meeting');
    const notification = {
      v: 1,
      correlationId: 'c',
      kind: 'graphChange',
      room: ROOM,
      subscriptionId: 's',
      eventId: copy.id,
      changeType: 'created',
    } as const;
    await assert.rejects(
      syncGraphChange(notification, dyingAfter(world.deps, 'workplace.createReservation')),
      ProcessDied,
    );
    assert.equal((await reservationsNamed(world.deps.workplace, (s) => s.startsWith('Standup'))).length, 1);
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ subject: 'Standup v2' });
    await world.graph.meetings.settle();
    await syncGraphChange({ ...notification, changeType: 'updated' }, later);
    const found = await reservationsNamed(world.deps.workplace, (s) => s.startsWith('Standup'));
    assert.deepEqual(
      found.map((r) => r.subject),
      ['Standup v2'],
      'one reservation, brought up to date (the retried create returned the first one, as it was)',
    );
  });
});
