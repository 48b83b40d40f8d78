import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchangeBooking } from '../../../shared/sync/booking-of';
import { alreadyRead, recordCopy } from '../../../shared/sync/link-record';
import { parseGraphEvent } from '../../../shared/graph';

/** Only Room Alpha is registered with roomsync. */
const rooms = {
  roomEmail: (id: string) => (id === 'wp-alpha' ? 'room.alpha@contoso.com' : undefined),
  workplaceRoomId: (email: string) => (email === 'room.alpha@contoso.com' ? 'wp-alpha' : undefined),
};

describe('exchangeBooking', () => {
  const event = parseGraphEvent({
    id: 'AAMk=',
    subject: 'Review',
    start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'UTC' },
    organizer: { emailAddress: { address: 'ada@contoso.com', name: 'Ada' } },
    attendees: [
      { type: 'required', emailAddress: { address: 'bob@contoso.com', name: 'Bob' } },
      { type: 'resource', emailAddress: { address: 'room.alpha@contoso.com', name: 'Alpha' } },
      { type: 'resource', emailAddress: { address: 'Room.Annex@contoso.com', name: 'Annex (not synced)' } },
    ],
  });

  it('books only the rooms roomsync syncs; other rooms stay as plain attendees', () => {
    const booking = exchangeBooking(event, 'room.alpha@contoso.com', rooms);
    assert.deepEqual(booking.rooms, ['room.alpha@contoso.com']);
    assert.deepEqual(
      booking.attendees.map((a) => [a.email, a.name, a.required]),
      [
        ['bob@contoso.com', 'Bob', true],
        ['room.annex@contoso.com', 'Annex (not synced)', true],
      ],
    );
  });
});

describe('recordCopy and alreadyRead', () => {
  const room = 'room.alpha@contoso.com';
  it('remembers the states a copy was read or written past, so their late notifications are echoes', () => {
    let copies = recordCopy([], room, { id: 'e1', changeKey: 'k1' });
    copies = recordCopy(copies, room, { id: 'e1', changeKey: 'k3' }, 'k2');
    const [copy] = copies;
    assert.deepEqual(copy, { room, eventId: 'e1', changeKey: 'k3', seen: ['k1', 'k2'] });
    for (const key of ['k1', 'k2', 'k3']) assert.equal(alreadyRead(copy, key), true, key);
    assert.equal(alreadyRead(copy, 'k4'), false, 'a state not read yet');
    assert.equal(alreadyRead(copy, undefined), false, 'a notification without a changeKey');
  });
  it('keeps one copy per room and a bounded memory', () => {
    let copies = recordCopy([], room, { id: 'e1', changeKey: 'k0' });
    for (let i = 1; i <= 40; i += 1)
      copies = recordCopy(copies, room, { id: 'e1', changeKey: `k${String(i)}` });
    assert.equal(copies.length, 1);
    assert.equal(copies[0]?.seen?.length, 16);
    assert.equal(alreadyRead(copies[0], 'k39'), true);
    assert.equal(alreadyRead(copies[0], 'k1'), false, 'the oldest are forgotten');
  });
});
