import { reservationSchema, type Reservation } from '../../shared/workplace/schemas';

/**
 * A valid Workplace reservation (shared/workplace/schemas.ts), as the client returns one: Ann's design
 * review in Room Alpha (`wp-room.alpha` in the test room directory), 09:00-10:00 Brussels time on 30 March
 * 2026, Bob invited. It reads as `makeBooking()`; tests override what they are about, and an override the
 * contract does not allow throws.
 */
export function makeReservation(overrides: Partial<Reservation> = {}): Reservation {
  return reservationSchema.parse({
    id: 'r-1',
    version: 1,
    subject: 'Design review',
    start: '2026-03-30T09:00:00',
    end: '2026-03-30T10:00:00',
    timeZone: 'Europe/Brussels',
    responsible: { email: 'ann@contoso.com', name: 'Ann' },
    participants: [{ email: 'bob@contoso.com', name: 'Bob', required: true }],
    lines: [{ roomId: 'wp-room.alpha', status: 'confirmed' }],
    recurrence: null,
    exceptions: [],
    source: 'workplace',
    externalRef: null,
    cancelled: false,
    createdAt: '2026-03-01T10:00:00Z',
    updatedAt: '2026-03-01T10:00:00Z',
    ...overrides,
  });
}
