import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import type { GraphEvent } from '../graph';
import { lastOccurrenceStart, resolveTimeZone } from '../recurrence';
import { redactSecrets } from '../queue/poison';
import type { DeclineSeen } from '../store';

/**
 * The mailbox problems roomsync can tell from what it reads anyway (no extra Graph call): pure checks the
 * sync worker's probe (probe.ts) applies to the events and reservations a message went through.
 */

const DAY_MS = 86_400_000;

/**
 * Exchange's default BookingWindowInDays. A room declines a meeting that starts (or a series that runs)
 * beyond its booking window; a decline of a booking this far ahead is taken for that, not for a clash.
 */
export const BOOKING_WINDOW_SUSPECT_DAYS = 180;

interface Organizer {
  emailAddress?: { name?: unknown; address?: unknown };
}

/**
 * What a room's copy of someone else's meeting says about the room's calendar processing: `replaced`
 * when its subject is the organizer's display name (Exchange's AddOrganizerToSubject with DeleteSubject,
 * the defaults of a room mailbox), `prefixed` when it starts with that name (AddOrganizerToSubject
 * alone), `kept` otherwise. Undefined when the event cannot tell: the room's own event (roomsync writes
 * those; the booking assistant never touches them), no organizer name, an empty subject (a meeting may
 * have none), a cancelled or declined copy.
 *
 * A meeting whose real subject is its organizer's name reads as `replaced`: rare, and the page says the
 * finding is a heuristic and when a copy last kept its subject.
 */
export function subjectTreatment(
  event: GraphEvent,
  mailbox: string,
): 'replaced' | 'prefixed' | 'kept' | undefined {
  const organizer = (event['organizer'] as Organizer | undefined)?.emailAddress;
  const name = typeof organizer?.name === 'string' ? organizer.name.trim() : '';
  const address = typeof organizer?.address === 'string' ? organizer.address.trim().toLowerCase() : '';
  if (!name || !address || address === mailbox.toLowerCase()) return undefined;
  if (event['isCancelled'] === true) return undefined;
  if ((event['responseStatus'] as { response?: unknown } | undefined)?.response === 'declined')
    return undefined;
  const subject = typeof event['subject'] === 'string' ? event['subject'].trim() : '';
  if (!subject) return undefined;
  const same = (a: string, b: string): boolean =>
    a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
  if (same(subject, name)) return 'replaced';
  if (subject.length > name.length && same(subject.slice(0, name.length + 1), `${name} `)) return 'prefixed';
  return 'kept';
}

/** A reservation as far as a decline needs it: when it starts, and for a series how long it runs. */
export interface BookingSpan {
  /** Wall-clock `YYYY-MM-DDTHH:mm:ss` in `timeZone`. */
  start: string;
  timeZone: string;
  recurrence: { rrule: string } | null;
}

function instant(local: string, zone: string): DateTime | undefined {
  const inZone = DateTime.fromISO(local, { zone });
  const at = inZone.isValid ? inZone : DateTime.fromISO(local, { zone: 'utc' });
  return at.isValid ? at : undefined;
}

/** The last occurrence of a series (undefined when it never ends or cannot be read). */
function seriesEnd(rrule: string, start: DateTime): { endless: boolean; end?: DateTime } {
  const text = rrule.replace(/^RRULE:/i, '');
  if (!/(^|;)(UNTIL|COUNT)=/i.test(text)) return { endless: true };
  try {
    const options = RRule.parseString(text);
    if (options.until) return { endless: false, end: DateTime.fromJSDate(options.until) };
    // A numbered series: its last occurrence, computed by the recurrence core (which refuses a rule
    // Exchange cannot express, one that may never occur, before expanding anything).
    const last = lastOccurrenceStart(text, start.toJSDate(), resolveTimeZone(start.zoneName).zone);
    return { endless: false, ...(last ? { end: DateTime.fromJSDate(last) } : {}) };
  } catch {
    return { endless: false };
  }
}

/**
 * How far ahead a declined booking lay, and whether that looks like the room's booking window: it starts
 * more than BOOKING_WINDOW_SUSPECT_DAYS ahead, or it is a series that runs past that or never ends
 * (Exchange's EnforceSchedulingHorizon declines those).
 */
export function declineOf(booking: BookingSpan, now: Date): Omit<DeclineSeen, 'at' | 'correlationId'> {
  const start = instant(booking.start, booking.timeZone);
  const days = (at: DateTime): number => Math.floor((at.toMillis() - now.getTime()) / DAY_MS);
  const startsInDays = start ? days(start) : null;
  let endsInDays: number | null | undefined;
  if (booking.recurrence && start) {
    const { endless, end } = seriesEnd(booking.recurrence.rrule, start);
    endsInDays = endless ? null : end ? days(end) : startsInDays;
  }
  const beyond = (n: number | null | undefined): boolean => n != null && n > BOOKING_WINDOW_SUSPECT_DAYS;
  return {
    startsAt: start ? (start.toUTC().toISO() ?? null) : null,
    startsInDays,
    ...(endsInDays === undefined ? {} : { endsInDays }),
    bookingWindow:
      beyond(startsInDays) || (endsInDays !== undefined && (endsInDays === null || beyond(endsInDays))),
  };
}

const ADDRESS = /[\w.!#$%&'*+/=?^`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

/**
 * Text safe to show an operator: credentials masked (shared/queue/poison.ts) and every e-mail address
 * but the given rooms' replaced, so attendees' addresses never reach the status table or page.
 */
export function safeText(text: string, rooms: Iterable<string> = []): string {
  const keep = new Set([...rooms].map((r) => r.toLowerCase()));
  return redactSecrets(text).replace(ADDRESS, (address) =>
    keep.has(address.toLowerCase()) ? address : '[address]',
  );
}
