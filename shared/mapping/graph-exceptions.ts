import { isCancelled, kindOf, type GraphEvent, type GraphOccurrence } from '../graph/event';
import type { Booking, BookingException } from '../model/booking';
import { InvalidBookingInput } from '../recurrence/errors';
import { expand } from '../recurrence/expand';
import { instantOf, parseWallClock, wallClockOf } from '../recurrence/local-time';
import { requiredTime, span, type Reader } from './graph-times';

/**
 * A series' exceptions as Graph lists them: the master's `cancelledOccurrences` (occurrence ids) and
 * `$expand=exceptionOccurrences`, or the series' `/instances`, in which a slot of the pattern that has no
 * instance was cancelled.
 */

/** An occurrence or exception, from the master's exceptionOccurrences or from `/instances`. */
export type ListedOccurrence = Pick<
  GraphOccurrence,
  'type' | 'recurrence' | 'occurrenceId' | 'subject' | 'originalStart' | 'start' | 'end' | 'isCancelled'
>;

/** A series' instances and the window they were listed for, as GraphReadOptions gives them. */
export interface SeriesInstances {
  instances?: readonly ListedOccurrence[];
  instancesWindow?: { from: Date; to: Date };
}

const OCCURRENCE_DATE = /\.(\d{4}-\d{2}-\d{2})$/;

/** `OID.{masterId}.2026-11-05` → 2026-11-05. */
function occurrenceDate(occurrenceId: string, index: number, reader: Reader): string | undefined {
  const date = OCCURRENCE_DATE.exec(occurrenceId)?.[1];
  if (!date) {
    reader.warn({
      code: 'malformedOccurrenceId',
      path: `cancelledOccurrences.${String(index)}`,
      message: `${JSON.stringify(occurrenceId)} is not an occurrence id; ignored`,
    });
  }
  return date;
}

/** The pattern's start on a local date: the series' wall-clock time on that day, in its zone. */
function slotOn(date: string, series: Booking, zone: string): Date {
  const time = series.localStart
    ? parseWallClock(series.localStart, 'localStart')
    : wallClockOf(series.start, zone);
  const [year, month, day] = date.split('-').map(Number);
  return instantOf({ ...time, year: year ?? 0, month: month ?? 0, day: day ?? 0 }, zone);
}

function originalStartOf(value: string | null | undefined, path: string): Date {
  const at = value ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidBookingInput(
      path,
      `expected the occurrence's originalStart, got ${JSON.stringify(value)}`,
    );
  return new Date(at);
}

/** Slots of the pattern inside the listed window that no instance fills: the cancelled occurrences. */
function missingSlots(
  series: Booking,
  present: Date[],
  listed: SeriesInstances,
  exceptions: Map<number, BookingException>,
): void {
  const times = present.map((d) => d.getTime());
  if (times.length === 0 && !listed.instancesWindow) return;
  const window = listed.instancesWindow ?? {
    from: new Date(Math.min(...times)),
    to: new Date(Math.max(...times) + 1),
  };
  const seen = new Set(times);
  for (const slot of expand({ ...series, exceptions: [] }, window.from, window.to)) {
    const key = slot.originalStart.getTime();
    if (!seen.has(key) && slot.originalStart >= window.from && !exceptions.has(key)) {
      exceptions.set(key, { originalStart: slot.originalStart, cancelled: true });
    }
  }
}

export function exceptionsOf(
  event: Pick<GraphEvent, 'cancelledOccurrences' | 'exceptionOccurrences'>,
  series: Booking,
  listed: SeriesInstances,
  reader: Reader,
): BookingException[] {
  const exceptions = new Map<number, BookingException>();
  (event.cancelledOccurrences ?? []).forEach((id, i) => {
    const date = occurrenceDate(id, i, reader);
    if (!date) return;
    const originalStart = slotOn(date, series, reader.zone);
    exceptions.set(originalStart.getTime(), { originalStart, cancelled: true });
  });
  const changed = [
    ...(event.exceptionOccurrences ?? []).map((item, i) => ({
      item,
      path: `exceptionOccurrences.${String(i)}`,
    })),
    ...(listed.instances ?? []).map((item, i) => ({ item, path: `instances.${String(i)}` })),
  ];
  const present: Date[] = [];
  for (const { item, path } of changed) {
    const start = requiredTime(item.start, `${path}.start`);
    const end = requiredTime(item.end, `${path}.end`);
    // `$expand=exceptionOccurrences` gives the original date in occurrenceId rather than originalStart.
    const idDate = item.originalStart ? undefined : OCCURRENCE_DATE.exec(item.occurrenceId ?? '')?.[1];
    const originalStart = idDate
      ? slotOn(idDate, series, reader.zone)
      : originalStartOf(item.originalStart, `${path}.originalStart`);
    present.push(originalStart);
    if (kindOf(item) === 'occurrence' || isCancelled(item)) continue;
    exceptions.set(originalStart.getTime(), {
      originalStart,
      cancelled: false,
      ...span(start, end, path, reader),
      ...(item.subject != null ? { subject: item.subject } : {}),
    });
  }
  // Nothing lists cancelled occurrences but the master; without it, a slot with no instance was cancelled.
  if (event.cancelledOccurrences == null && listed.instances) {
    missingSlots(series, present, listed, exceptions);
  }
  return [...exceptions.values()];
}
