import { z } from 'zod';
import { kindOf, type GraphEvent } from '../graph/event';
import { canonicalBooking, SENSITIVITIES, type Booking, type Sensitivity } from '../model/booking';
import { InvalidBookingInput } from '../recurrence/errors';
import { toRRule, seriesStartOf, type SeriesStart } from '../recurrence/convert';
import { formatWall, isSkipped, spanOf } from '../recurrence/local-time';
import { resolveTimeZone } from '../recurrence/time-zones';
import { exceptionsOf } from './graph-exceptions';
import { peopleOf, responsibleOf, roomsOf } from './graph-people';
import { allDayBound, requiredTime, wallOf, type Reader } from './graph-times';
import { alignSeriesStart } from './series-start';
import { ignoreWarnings, type WarningSink } from './warnings';

/**
 * A Graph event, as the gateway validated it (graph/event.ts), read into a Booking. Accepts every shape
 * roomsync receives: a single instance, a series master (with `cancelledOccurrences` and
 * `$expand=exceptionOccurrences`, or with a list of its instances), or one occurrence or exception on its
 * own (read as a one-off booking); times in UTC or in a `Prefer: outlook.timezone` zone. What a Booking
 * needs and the gateway leaves optional (start, end, a valid pattern) is refused here with
 * InvalidBookingInput naming the field.
 */

export interface GraphReadOptions {
  /** The room mailbox the event was read from: that room is booked whether or not it is an attendee. */
  roomEmail?: string;
  /** The series' occurrences and exceptions (`/instances`), when the master has no exceptionOccurrences. */
  instances?: GraphEvent[];
  /**
   * The window `instances` were listed for. With it, a slot of the pattern inside the window that has no
   * instance is read as cancelled (when the master has no cancelledOccurrences); without it, only slots
   * between the first and the last instance are.
   */
  instancesWindow?: { from: Date; to: Date };
  onWarning?: WarningSink;
}

/**
 * Only the pattern's zone is read here, leniently, to choose the booking's zone; the whole pattern is
 * validated by the recurrence module (toRRule) when the event is read as a series.
 */
const recurrenceZoneSchema = z.object({ range: z.object({ recurrenceTimeZone: z.string() }) });

function recurrenceZoneOf(recurrence: unknown): string | undefined {
  const parsed = recurrenceZoneSchema.safeParse(recurrence);
  return parsed.success ? parsed.data.range.recurrenceTimeZone : undefined;
}

function sensitivityOf(value: string | null | undefined): Sensitivity {
  const match = SENSITIVITIES.find((s) => s === value?.toLowerCase());
  return match ?? 'normal';
}

/** What the UTC fallback re-dates: a pattern with a range, whatever else it holds (toRRule validates it). */
const withRange = z.looseObject({ range: z.looseObject({}).nullish() });

/**
 * The series' RRULE; the pattern is validated by the recurrence module (toRRule). In the UTC fallback for
 * an unknown zone the local start date can differ from the range's: the range follows the start.
 */
function seriesRule(recurrence: unknown, seriesStart: SeriesStart, zoneKnown: boolean): string {
  const held = zoneKnown ? undefined : withRange.safeParse(recurrence).data;
  const read = held
    ? {
        ...held,
        range: { ...held.range, startDate: seriesStart.dateTime.slice(0, 10), recurrenceTimeZone: 'UTC' },
      }
    : recurrence;
  return toRRule(read, seriesStart);
}

export function bookingFromGraphEvent(event: GraphEvent, options: GraphReadOptions = {}): Booking {
  const startValue = requiredTime(event.start, 'start');
  const endValue = requiredTime(event.end, 'end');
  const warn = options.onWarning ?? ignoreWarnings;
  const zoneName =
    event.originalStartTimeZone ?? recurrenceZoneOf(event.recurrence) ?? startValue.timeZone ?? 'UTC';
  const resolved = resolveTimeZone(zoneName);
  if (!resolved.known) {
    warn({
      code: 'unknownTimeZone',
      path: 'originalStartTimeZone',
      message: `unknown time zone ${JSON.stringify(zoneName)}; the booking is kept in UTC`,
    });
  }
  const reader: Reader = { zone: resolved.zone, warn };
  const isAllDay = event.isAllDay ?? false;
  const given = isAllDay
    ? undefined
    : { start: wallOf(startValue, 'start', reader), end: wallOf(endValue, 'end', reader) };
  const { start, end } = given
    ? spanOf(given.start, given.end)
    : { start: allDayBound(startValue, 'start', reader), end: allDayBound(endValue, 'end', reader) };
  if (end < start) throw new InvalidBookingInput('end', 'the end is before the start');
  const rooms = roomsOf(event, options.roomEmail);
  const attendees = peopleOf(event, rooms, warn);
  // A master, or anything that repeats and is not one occurrence of a series (read alone, as a one-off).
  const kind = kindOf(event);
  const isSeries = event.recurrence != null && kind !== 'occurrence' && kind !== 'exception';
  // A series given a start that its first day skips keeps that wall-clock time (Booking.localStart); a
  // start read in another zone (UTC, as roomsync reads) cannot tell, and is taken as the time it names.
  const localStart =
    isSeries && given?.start.zone === reader.zone && isSkipped(given.start.wall, reader.zone)
      ? formatWall(given.start.wall)
      : undefined;
  const recurrence = isSeries
    ? seriesRule(
        event.recurrence,
        localStart ? { dateTime: localStart, timeZone: reader.zone } : seriesStartOf(start, reader.zone),
        resolved.known,
      )
    : null;
  const base: Booking = {
    subject: event.subject ?? '',
    start,
    end,
    timeZone: reader.zone,
    isAllDay,
    organizer: responsibleOf(event),
    attendees,
    rooms: [...rooms],
    recurrence,
    ...(localStart === undefined ? {} : { localStart }),
    exceptions: [],
    sensitivity: sensitivityOf(event.sensitivity),
  };
  if (!isSeries) return canonicalBooking(base);
  const series = alignSeriesStart(base, reader.zone);
  return canonicalBooking({ ...series, exceptions: exceptionsOf(event, series, options, reader) });
}
