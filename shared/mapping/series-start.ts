import type { Booking } from '../model/booking';
import { UnsupportedRecurrence } from '../recurrence/errors';
import { firstOccurrenceStart } from '../recurrence/expand';

/**
 * A series whose start does not fit its pattern, moved to its first real occurrence (same duration). A
 * rule Exchange cannot express is left as it is and never expanded: writing it to Exchange refuses it.
 */
export function alignSeriesStart(booking: Booking, zone: string): Booking {
  if (booking.recurrence === null) return booking;
  let first: Date | undefined;
  try {
    first = firstOccurrenceStart(booking.recurrence, booking.start, zone);
  } catch (err) {
    if (err instanceof UnsupportedRecurrence) return booking;
    throw err;
  }
  if (!first || first.getTime() === booking.start.getTime()) return booking;
  const duration = booking.end.getTime() - booking.start.getTime();
  return { ...booking, start: first, end: new Date(first.getTime() + duration) };
}
