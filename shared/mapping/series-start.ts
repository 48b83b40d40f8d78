import type { Booking } from '../model/booking';
import { firstOccurrenceStart } from '../recurrence/expand';

/** A series whose start does not fit its pattern, moved to its first real occurrence (same duration). */
export function alignSeriesStart(booking: Booking, zone: string): Booking {
  if (booking.recurrence === null) return booking;
  const first = firstOccurrenceStart(booking.recurrence, booking.start, zone);
  if (!first || first.getTime() === booking.start.getTime()) return booking;
  const duration = booking.end.getTime() - booking.start.getTime();
  return { ...booking, start: first, end: new Date(first.getTime() + duration) };
}
