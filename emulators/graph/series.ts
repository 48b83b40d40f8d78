import { DateTime } from 'luxon';
import type { ViewItem } from './calendar-view';
import { GraphError } from './errors';
import type { StoredEvent } from './event-model';
import { renderEvent } from './events';
import { encodeId } from './ids';
import type { Preferences } from './prefer';
import { occurrenceDates } from './recurrence';
import { ianaZone, localTime } from './time';

/**
 * Series as Exchange keeps them: a master with a pattern, per-occurrence exceptions (moved or edited)
 * keyed by the occurrence's original date, and cancelled dates. Occurrences have synthetic ids derived
 * from the master and the original date, so they are stable while that date is.
 */

export interface ExceptionRecord {
  changeKey: string;
  lastModifiedDateTime: string;
  start: DateTime;
  end: DateTime;
  subject?: string;
  showAs?: string;
  sensitivity?: string;
}

const SEPARATOR = '|';

export function occurrenceKey(masterKey: string, date: string): string {
  return `${masterKey}${SEPARATOR}${date}`;
}

export function parseOccurrenceKey(key: string): { masterKey: string; date: string } | undefined {
  const at = key.lastIndexOf(SEPARATOR);
  if (at < 0) return undefined;
  const date = key.slice(at + 1);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? { masterKey: key.slice(0, at), date } : undefined;
}

/** The IANA zone a series is evaluated in. */
export function zoneOf(master: StoredEvent): string {
  return ianaZone(master.startTimeZone) ?? 'UTC';
}

/** The local date (in the series' zone) a master's start falls on. */
export function masterStartDate(master: StoredEvent): string {
  return master.start.setZone(zoneOf(master)).toISODate() ?? '';
}

/**
 * Where the occurrence of `date` starts when unchanged: the master's wall-clock time on that date in the
 * series' zone, so 09:00 stays 09:00 across daylight-saving changes (a time skipped by the change moves
 * forward, as in Exchange).
 */
export function originalStart(master: StoredEvent, date: string): DateTime {
  const zone = zoneOf(master);
  const local = master.start.setZone(zone);
  const [year, month, day] = date.split('-').map(Number);
  return localTime(
    { year, month, day, hour: local.hour, minute: local.minute, second: local.second },
    zone,
  ).toUTC();
}

function duration(master: StoredEvent): number {
  return master.end.toMillis() - master.start.toMillis();
}

/** Every original date of the series up to `until` (a local date), cancelled ones included. */
export function seriesDates(master: StoredEvent, until: string): string[] {
  if (!master.recurrence) return [];
  return occurrenceDates(master.recurrence, until);
}

/** The original date of a series' last occurrence; undefined for a series without end (or no series). */
export function lastOccurrenceDate(master: StoredEvent): string | undefined {
  if (!master.recurrence || master.recurrence.range.type === 'noEnd') return undefined;
  // endDate and numbered ranges are finite, so this ends without scanning to year 9999 day by day.
  return seriesDates(master, '9999-12-31').at(-1);
}

export interface Occurrence {
  date: string;
  start: DateTime;
  end: DateTime;
  exception: ExceptionRecord | undefined;
}

/** The live occurrences (exceptions applied, cancelled ones left out) that overlap [from, to). */
export function occurrencesBetween(master: StoredEvent, from: DateTime, to: DateTime): Occurrence[] {
  // An exception can move an occurrence by up to a day either side of its slot; look a little wider.
  const until = to.setZone(zoneOf(master)).plus({ days: 2 }).toISODate() ?? '';
  return seriesDates(master, until)
    .filter((date) => !master.cancelled.has(date))
    .map((date) => {
      const exception = master.exceptions.get(date);
      const start = exception?.start ?? originalStart(master, date);
      const end = exception?.end ?? start.plus({ milliseconds: duration(master) });
      return { date, start, end, exception };
    })
    .filter((occurrence) => occurrence.start < to && occurrence.end > from);
}

/** An occurrence or exception as Graph renders it. */
export function renderOccurrence(
  master: StoredEvent,
  occurrence: Occurrence,
  prefs: Preferences,
): Record<string, unknown> {
  const base = renderEvent(master, prefs);
  const id = encodeId(occurrenceKey(master.key, occurrence.date), prefs.idType);
  const zone = prefs.timeZone ?? 'UTC';
  const exception = occurrence.exception;
  const changeKey = exception?.changeKey ?? master.changeKey;
  const rendered: Record<string, unknown> = {
    ...base,
    '@odata.etag': `W/"${changeKey}"`,
    id,
    changeKey,
    lastModifiedDateTime: exception?.lastModifiedDateTime ?? master.lastModifiedDateTime,
    subject: exception?.subject ?? master.subject,
    showAs: exception?.showAs ?? master.showAs,
    sensitivity: exception?.sensitivity ?? master.sensitivity,
    seriesMasterId: encodeId(master.key, prefs.idType),
    type: exception ? 'exception' : 'occurrence',
    originalStart: originalStart(master, occurrence.date).toISO({ suppressMilliseconds: true }),
    start: {
      dateTime: `${occurrence.start.setZone(ianaZone(zone) ?? 'UTC').toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`,
      timeZone: zone,
    },
    end: {
      dateTime: `${occurrence.end.setZone(ianaZone(zone) ?? 'UTC').toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`,
      timeZone: zone,
    },
    recurrence: null,
  };
  return rendered;
}

/** The calendar view's expander: single instances as themselves, series as their occurrences. */
export function expandForView(event: StoredEvent, from: DateTime, to: DateTime): ViewItem[] {
  if (!event.recurrence) {
    return event.start < to && event.end > from
      ? [
          {
            key: event.key,
            changeKey: event.changeKey,
            start: event.start,
            end: event.end,
            render: (prefs) => renderEvent(event, prefs),
          },
        ]
      : [];
  }
  return occurrencesBetween(event, from, to).map((occurrence) => ({
    key: occurrenceKey(event.key, occurrence.date),
    changeKey: occurrence.exception?.changeKey ?? event.changeKey,
    start: occurrence.start,
    end: occurrence.end,
    render: (prefs: Preferences) => renderOccurrence(event, occurrence, prefs),
  }));
}

/** The occurrence of `date` if the series has one there (not cancelled); Exchange's 404 otherwise. */
export function requireOccurrence(master: StoredEvent, date: string): void {
  if (master.cancelled.has(date) || !seriesDates(master, date).includes(date)) {
    throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
}

/**
 * Exchange refuses to move an occurrence onto or past the day of a neighbouring occurrence:
 * "Modified occurrence is crossing or overlapping adjacent occurrence".
 */
export function checkAdjacency(master: StoredEvent, date: string, newStart: DateTime): void {
  const zone = zoneOf(master);
  const newDate = newStart.setZone(zone).toISODate() ?? '';
  const until = DateTime.fromISO(date, { zone }).plus({ years: 5 }).toISODate() ?? '';
  const dates = seriesDates(master, until).filter((d) => !master.cancelled.has(d) && d !== date);
  const dayOf = (d: string): string => master.exceptions.get(d)?.start.setZone(zone).toISODate() ?? d;
  const previous = dates
    .filter((d) => d < date)
    .map(dayOf)
    .pop();
  const next = dates.filter((d) => d > date).map(dayOf)[0];
  if ((previous !== undefined && newDate <= previous) || (next !== undefined && newDate >= next)) {
    throw new GraphError(
      400,
      'ErrorOccurrenceCrossingBoundary',
      'Modified occurrence is crossing or overlapping adjacent occurrence.',
    );
  }
}
