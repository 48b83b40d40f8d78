import { createHash } from 'node:crypto';
import { canonicalRRule, seriesStartOf } from '../recurrence/convert';
import { ianaToWindows, resolveTimeZone } from '../recurrence/time-zones';
import { canonicalBooking, type Booking } from './booking';

/**
 * What the sync compares: a hash of everything both sides can hold, in one canonical serialisation.
 * Left out on purpose: display names (each side spells them its own way), attendee order and e-mail
 * case, and isAllDay and sensitivity, which Workplace cannot hold (an all-day booking is still exactly
 * its midnight-to-midnight instants). Zones that Exchange cannot tell apart (Europe/Brussels and
 * Europe/Paris are both "Romance Standard Time") count as one. A series' wall-clock start counts when it
 * is not `start`'s (Booking.localStart): 02:30 and 03:30 from a day that skips 02:30 differ on later days.
 */

const VERSION = 1;

/** A zone as Exchange tells zones apart: equal keys are the same zone to both sides. */
export function zoneKey(zone: string): string {
  const iana = resolveTimeZone(zone).zone;
  return iana === 'UTC' ? 'UTC' : (ianaToWindows(iana) ?? iana);
}

function recurrenceKey(booking: Booking): string | null {
  if (booking.recurrence === null) return null;
  const zone = resolveTimeZone(booking.timeZone).zone;
  try {
    const start = booking.localStart
      ? { dateTime: booking.localStart, timeZone: zone }
      : seriesStartOf(booking.start, zone);
    return canonicalRRule(booking.recurrence, start);
  } catch {
    // A rule the core refuses still has a stable key: its parts, sorted, in one case.
    return booking.recurrence
      .toUpperCase()
      .replace(/^RRULE:/, '')
      .split(';')
      .filter(Boolean)
      .sort()
      .join(';');
  }
}

/** The canonical serialisation the fingerprint hashes (exposed for diagnostics and tests). */
export function canonicalForm(booking: Booking): string {
  const b = canonicalBooking(booking);
  return JSON.stringify([
    VERSION,
    b.subject,
    b.start.toISOString(),
    b.end.toISOString(),
    zoneKey(b.timeZone),
    b.organizer?.email ?? null,
    b.attendees.map((a) => [a.email, a.required]),
    b.rooms,
    recurrenceKey(b),
    b.exceptions.map((e) =>
      e.cancelled
        ? [e.originalStart.toISOString(), 'cancelled']
        : [e.originalStart.toISOString(), e.start.toISOString(), e.end.toISOString(), e.subject ?? null],
    ),
    // Only when there is one, so that every other booking keeps the fingerprint it had.
    ...(b.localStart === undefined ? [] : [['localStart', b.localStart]]),
  ]);
}

/** A stable hash of the booking's canonical form: equal fingerprints mean nothing to sync. */
export function fingerprint(booking: Booking): string {
  return createHash('sha256').update(canonicalForm(booking)).digest('base64url');
}
