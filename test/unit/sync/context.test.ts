import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchangeBooking } from '../../../shared/sync/context';

/** Only Room Alpha is registered with roomsync. */
const rooms = {
  roomEmail: (id: string) => (id === 'wp-alpha' ? 'room.alpha@contoso.com' : undefined),
  workplaceRoomId: (email: string) => (email === 'room.alpha@contoso.com' ? 'wp-alpha' : undefined),
};

describe('exchangeBooking', () => {
  const event = {
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
  };

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
