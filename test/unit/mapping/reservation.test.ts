import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bookingFromReservation,
  graphEventFromBooking,
  reservationFromBooking,
} from '../../../shared/mapping';
import { InvalidBookingInput, UnsupportedRecurrence } from '../../../shared/model';
import { expand } from '../../../shared/recurrence';
import { fingerprint } from '../../../shared/model';
import { makeBooking, testRooms } from '../../factories/booking';
import { makeReservation } from '../../factories/reservation';

/** The example reservation of ../shared/workplace-api.md, with rooms the test directory knows. */
const contractExample = {
  id: 'r-123',
  version: 7,
  subject: 'Design review',
  start: '2026-03-30T09:00:00',
  end: '2026-03-30T10:00:00',
  timeZone: 'Europe/Brussels',
  responsible: { email: 'ann@contoso.com', name: 'Ann' },
  participants: [{ email: 'bob@contoso.com', name: 'Bob', required: true }],
  lines: [{ roomId: 'wp-room.alpha', status: 'confirmed' }],
  recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10' },
  exceptions: [
    { originalStart: '2026-04-06T09:00:00', cancelled: true },
    {
      originalStart: '2026-04-13T09:00:00',
      start: '2026-04-13T11:00:00',
      end: '2026-04-13T12:00:00',
      subject: 'Design review (moved)',
    },
  ],
  source: 'workplace',
  externalRef: null,
  cancelled: false,
  createdAt: '2026-03-01T10:00:00Z',
  updatedAt: '2026-03-02T10:00:00Z',
};

function refused(input: unknown): InvalidBookingInput {
  try {
    bookingFromReservation(input, testRooms);
  } catch (err) {
    assert.ok(err instanceof InvalidBookingInput, `expected InvalidBookingInput, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the reservation to be refused');
}

describe('Workplace reservations ↔ Booking', () => {
  it('reads the contract example: local times in its zone, lines as rooms, exceptions by original start', () => {
    const booking = bookingFromReservation(contractExample, testRooms);
    // Brussels is UTC+2 in summer time, which began on 29 March 2026.
    assert.equal(booking.start.toISOString(), '2026-03-30T07:00:00.000Z');
    assert.deepEqual(booking.organizer, { email: 'ann@contoso.com', name: 'Ann' });
    assert.deepEqual(booking.rooms, ['room.alpha@contoso.com']);
    assert.equal(booking.recurrence, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10');
    const occurrences = expand(booking, new Date('2026-03-01Z'), new Date('2026-07-01Z'));
    assert.equal(occurrences.length, 10);
    assert.deepEqual(
      occurrences.slice(0, 3).map((o) => [o.start.toISOString(), o.cancelled]),
      [
        ['2026-03-30T07:00:00.000Z', false],
        ['2026-04-06T07:00:00.000Z', true],
        ['2026-04-13T09:00:00.000Z', false],
      ],
    );
  });

  it('writes the reservation body back as the contract shapes it', () => {
    const body = reservationFromBooking(bookingFromReservation(contractExample, testRooms), testRooms);
    assert.deepEqual(body, {
      subject: 'Design review',
      start: '2026-03-30T09:00:00',
      end: '2026-03-30T10:00:00',
      timeZone: 'Europe/Brussels',
      responsible: { email: 'ann@contoso.com', name: 'Ann' },
      participants: [{ email: 'bob@contoso.com', name: 'Bob', required: true }],
      lines: [{ roomId: 'wp-room.alpha', status: 'confirmed' }],
      recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10' },
      exceptions: [
        { originalStart: '2026-04-06T09:00:00', cancelled: true },
        {
          originalStart: '2026-04-13T09:00:00',
          start: '2026-04-13T11:00:00',
          end: '2026-04-13T12:00:00',
          subject: 'Design review (moved)',
        },
      ],
    });
  });

  it('leaves declined lines out, infers all-day from whole local days, spells RRULEs canonically', () => {
    const booking = bookingFromReservation(
      {
        ...contractExample,
        start: '2026-03-30T00:00:00',
        end: '2026-03-31T00:00:00',
        lines: [
          { roomId: 'wp-room.alpha', status: 'declined' },
          { roomId: 'wp-room.beta', status: 'pending' },
        ],
        recurrence: { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1' },
        exceptions: [],
      },
      testRooms,
    );
    assert.deepEqual(booking.rooms, ['room.beta@contoso.com']);
    assert.equal(booking.isAllDay, true);
    assert.equal(booking.recurrence, 'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1MO');
  });

  it('refuses bad reservations with an error naming the field', () => {
    const { start: _start, ...noStart } = contractExample;
    assert.equal(refused(noStart).path, 'start');
    assert.equal(refused({ ...contractExample, end: '2026-03-30T08:00:00' }).path, 'end');
    assert.equal(refused({ ...contractExample, start: '30/03/2026 09:00' }).path, 'start');
    assert.equal(
      refused({ ...contractExample, lines: [{ roomId: 'nowhere', status: 'confirmed' }] }).path,
      'lines.0.roomId',
    );
    assert.equal(
      refused({ ...contractExample, participants: [{ name: 'No address' }] }).path,
      'participants.0.email',
    );
    assert.equal(
      refused({ ...contractExample, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MOO' } }).path,
      'recurrence',
    );
    assert.equal(
      refused({
        ...contractExample,
        exceptions: [{ originalStart: '2026-04-13T09:00:00', start: '2026-04-13T11:00:00' }],
      }).path,
      'exceptions.0.end',
    );
    // A rule Exchange cannot express is read as Workplace wrote it (the booking can be compared and its
    // status shown); writing it to Exchange is what refuses it, naming the part.
    const monthEnd = bookingFromReservation(
      { ...contractExample, recurrence: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=31' } },
      testRooms,
    );
    assert.equal(monthEnd.recurrence, 'FREQ=MONTHLY;BYMONTHDAY=31');
    assert.throws(
      () => graphEventFromBooking(monthEnd, { hostRoom: monthEnd.rooms[0] ?? '' }),
      (err: unknown) => err instanceof UnsupportedRecurrence && err.part === 'BYMONTHDAY',
    );
    assert.throws(
      () =>
        reservationFromBooking(
          { ...bookingFromReservation(contractExample, testRooms), rooms: ['elsewhere@fabrikam.com'] },
          testRooms,
        ),
      (err: unknown) => err instanceof InvalidBookingInput && err.path === 'rooms.0',
    );
  });

  it('reads the reservation factory as the booking factory, and writes it back alike', () => {
    const reservation = makeReservation();
    const booking = bookingFromReservation(reservation, testRooms);
    assert.equal(fingerprint(booking), fingerprint(makeBooking()));
    // The body roomsync writes is the reservation without what Workplace keeps (id, version, times…).
    const { subject, start, end, timeZone, responsible, participants, lines, recurrence, exceptions } =
      reservation;
    const written = {
      subject,
      start,
      end,
      timeZone,
      responsible,
      participants,
      lines,
      recurrence,
      exceptions,
    };
    assert.deepEqual(reservationFromBooking(booking, testRooms), written);
  });
});
