import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bookingFromGraphEvent,
  bookingFromReservation,
  graphEventFromBooking,
  graphOccurrenceChanges,
  graphPatch,
  reservationFromBooking,
} from '../../../shared/mapping';
import { canonicalForm, fingerprint, type Booking } from '../../../shared/model';
import { instantOf, wallClockOf } from '../../../shared/recurrence/local-time';
import { booking } from '../../factories/arbitraries';
import { makeBooking, testRooms } from '../../factories/booking';
import { graphEvent } from '../../factories/graph-event';

/**
 * What Graph holds after roomsync writes a booking: the create body as the host room's event, then each
 * occurrence change applied (a cancellation listed on the master, a change as an exception occurrence).
 */
function asGraphReturnsIt(b: Booking): { event: Record<string, unknown>; roomEmail: string | undefined } {
  const body = graphEventFromBooking(b);
  const changes = graphOccurrenceChanges(b);
  const event: Record<string, unknown> = {
    ...body,
    type: body.recurrence ? 'seriesMaster' : 'singleInstance',
    cancelledOccurrences: changes
      .filter((c) => c.action === 'cancel')
      .map((c) => `OID.master.${c.occurrenceDate}`),
    exceptionOccurrences: changes.flatMap((c) =>
      c.action === 'update'
        ? [
            {
              type: 'exception',
              originalStart: c.originalStart.toISOString(),
              subject: c.body.subject ?? b.subject,
              start: c.body.start,
              end: c.body.end,
            },
          ]
        : [],
    ),
  };
  return { event, roomEmail: b.rooms[0] };
}

/**
 * Whether every instant of the booking has a wall-clock name of its own in the booking's zone. The first
 * pass of an hour repeated when daylight saving ends has none (both sides write wall-clock times, read
 * back as standard time), so such a booking converges after one more write rather than at once.
 */
function wallClockNamesEveryInstant(b: Booking): boolean {
  const instants = [
    b.start,
    b.end,
    ...b.exceptions.flatMap((e) => (e.cancelled ? [e.originalStart] : [e.originalStart, e.start, e.end])),
  ];
  return instants.every(
    (at) => instantOf(wallClockOf(at, b.timeZone), b.timeZone).getTime() === at.getTime(),
  );
}

describe('mapping round trips keep the fingerprint', () => {
  it('Booking → Graph body → Booking (property)', () => {
    fc.assert(
      fc.property(booking, (b) => {
        fc.pre(wallClockNamesEveryInstant(b));
        const { event, roomEmail } = asGraphReturnsIt(b);
        const back = bookingFromGraphEvent(graphEvent(event), roomEmail === undefined ? {} : { roomEmail });
        assert.equal(canonicalForm(back), canonicalForm(b));
        assert.equal(fingerprint(back), fingerprint(b));
      }),
      { numRuns: 300 },
    );
  });

  it('Booking → reservation → Booking (property)', () => {
    fc.assert(
      fc.property(booking, (b) => {
        fc.pre(wallClockNamesEveryInstant(b));
        const back = bookingFromReservation(reservationFromBooking(b, testRooms), testRooms);
        assert.equal(canonicalForm(back), canonicalForm(b));
        assert.equal(fingerprint(back), fingerprint(b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('graph write bodies', () => {
  it('writes the event for the host room: responsible as attendee and property, other rooms as resources', () => {
    const body = graphEventFromBooking(
      makeBooking({ rooms: ['room.beta@contoso.com', 'room.alpha@contoso.com'] }),
      { hostRoom: 'room.alpha@contoso.com' },
    );
    assert.deepEqual(body.start, {
      dateTime: '2026-03-30T09:00:00.0000000',
      timeZone: 'Romance Standard Time',
    });
    assert.deepEqual(
      body.attendees?.map((a) => [a.type, a.emailAddress.address]),
      [
        ['required', 'ann@contoso.com'],
        ['required', 'bob@contoso.com'],
        ['resource', 'room.beta@contoso.com'],
      ],
    );
    assert.equal(body.singleValueExtendedProperties?.[0]?.value, 'ann@contoso.com');
    assert.equal(body.recurrence, undefined);
  });

  it('patches only what changed, each collection whole, and nothing when nothing changed', () => {
    const before = makeBooking();
    assert.deepEqual(graphPatch(before, { ...before, attendees: [...before.attendees].reverse() }), {});
    assert.deepEqual(graphPatch(before, { ...before, subject: 'Renamed' }), { subject: 'Renamed' });
    const later = {
      ...before,
      start: new Date('2026-03-30T08:00:00Z'),
      end: new Date('2026-03-30T09:00:00Z'),
    };
    assert.deepEqual(Object.keys(graphPatch(before, later)), ['start', 'end']);
    const added = graphPatch(before, {
      ...before,
      attendees: [...before.attendees, { email: 'cy@contoso.com', name: 'Cy', required: false }],
    });
    assert.equal(added.attendees?.length, 3);
    const series = { ...before, recurrence: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3' };
    assert.equal(graphPatch(before, series).recurrence?.pattern.type, 'weekly');
    assert.equal(graphPatch(series, before).recurrence, null);
    assert.deepEqual(
      graphPatch(before, { ...before, organizer: { email: 'cy@contoso.com', name: 'Cy' } })
        .singleValueExtendedProperties,
      [{ id: graphEventFromBooking(before).singleValueExtendedProperties?.[0]?.id, value: 'cy@contoso.com' }],
    );
  });
});
