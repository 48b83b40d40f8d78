import type { Booking } from '../model/booking';
import { UnsupportedRecurrence } from '../recurrence/errors';
import { firstOccurrence } from '../recurrence/expand';
import { formatWall, isSkipped } from '../recurrence/local-time';

/**
 * A series whose start does not fit its pattern, moved to its first real occurrence (same duration, and
 * the wall-clock start that occurrence has when a daylight-saving change skips it). A rule Exchange
 * cannot express is left as it is and never expanded: writing it to Exchange refuses it.
 */
export function alignSeriesStart(booking: Booking, zone: string): Booking {
  if (booking.recurrence === null) return booking;
  let first: ReturnType<typeof firstOccurrence>;
  try {
    first = firstOccurrence(booking.recurrence, booking.start, zone, booking.localStart);
  } catch (err) {
    if (err instanceof UnsupportedRecurrence) return booking;
    throw err;
  }
  if (!first || first.start.getTime() === booking.start.getTime()) return booking;
  const duration = booking.end.getTime() - booking.start.getTime();
  const { localStart: _previous, ...rest } = booking;
  return {
    ...rest,
    start: first.start,
    end: new Date(first.start.getTime() + duration),
    ...(isSkipped(first.local, zone) ? { localStart: formatWall(first.local) } : {}),
  };
}
