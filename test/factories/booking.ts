import type { Booking } from '../../shared/model';

/** A valid single booking; tests override what they are about. */
export function makeBooking(overrides: Partial<Booking> = {}): Booking {
  return {
    subject: 'Design review',
    start: new Date('2026-03-30T07:00:00Z'),
    end: new Date('2026-03-30T08:00:00Z'),
    timeZone: 'Europe/Brussels',
    isAllDay: false,
    organizer: { email: 'ann@contoso.com', name: 'Ann' },
    attendees: [{ email: 'bob@contoso.com', name: 'Bob', required: true }],
    rooms: ['room.alpha@contoso.com'],
    recurrence: null,
    exceptions: [],
    sensitivity: 'normal',
    ...overrides,
  };
}

/** Workplace room ids for the rooms tests use: `room.alpha@contoso.com` ↔ `wp-room.alpha`. */
export const testRooms = {
  roomEmail: (id: string): string | undefined =>
    id.startsWith('wp-') ? `${id.slice(3)}@contoso.com` : undefined,
  workplaceRoomId: (email: string): string | undefined =>
    email.endsWith('@contoso.com') ? `wp-${email.slice(0, -'@contoso.com'.length)}` : undefined,
};
