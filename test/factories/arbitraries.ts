import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { Booking, BookingException } from '../../shared/model';
import { expand, toRRule, type PatternedRecurrence } from '../../shared/recurrence';
import { formatWall, isSkipped, wallClockOf } from '../../shared/recurrence/local-time';

/** fast-check generators for the recurrence and mapping properties. */

/** Zones with and without daylight saving, both hemispheres, a half-hour offset, and UTC. */
export const ZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'Europe/Berlin',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'UTC',
] as const;

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;

export interface SeriesCase {
  recurrence: PatternedRecurrence;
  start: { dateTime: string; timeZone: string };
  zone: string;
  startInstant: Date;
}

const days = fc.subarray([...DAYS], { minLength: 1 });

const pattern = fc.oneof(
  fc.record({ type: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 10 }) }),
  fc.record({
    type: fc.constant('weekly' as const),
    interval: fc.integer({ min: 1, max: 4 }),
    daysOfWeek: days,
    firstDayOfWeek: fc.constantFrom(...DAYS),
  }),
  fc.record({
    type: fc.constant('absoluteMonthly' as const),
    interval: fc.integer({ min: 1, max: 4 }),
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeMonthly' as const),
    interval: fc.integer({ min: 1, max: 4 }),
    daysOfWeek: days,
    index: fc.constantFrom(...INDEXES),
  }),
  fc.record({
    type: fc.constant('absoluteYearly' as const),
    interval: fc.integer({ min: 1, max: 2 }),
    month: fc.integer({ min: 1, max: 12 }),
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeYearly' as const),
    interval: fc.integer({ min: 1, max: 2 }),
    month: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: days,
    index: fc.constantFrom(...INDEXES),
  }),
);

/** Exchange-expressible series: a pattern, a range and a start on the range's start date. */
export const seriesCase: fc.Arbitrary<SeriesCase> = fc
  .record({
    pattern,
    zone: fc.constantFrom(...ZONES),
    day: fc.integer({ min: 0, max: 4 * 365 }),
    minutes: fc.integer({ min: 0, max: 95 }).map((quarter) => quarter * 15),
    range: fc.oneof(
      fc.record({ type: fc.constant('numbered' as const), count: fc.integer({ min: 1, max: 15 }) }),
      fc.record({ type: fc.constant('endDate' as const), days: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ type: fc.constant('noEnd' as const) }),
    ),
  })
  .map(({ pattern: p, zone, day, minutes, range }) => {
    const local = DateTime.fromISO('2025-01-01T00:00:00', { zone }).plus({ days: day, minutes });
    const startDate = local.toFormat('yyyy-MM-dd');
    const recurrence = {
      pattern: { month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: 'sunday', index: 'first', ...p },
      range: {
        type: range.type,
        startDate,
        endDate:
          range.type === 'endDate' ? local.plus({ days: range.days }).toFormat('yyyy-MM-dd') : '0001-01-01',
        recurrenceTimeZone: zone,
        numberOfOccurrences: range.type === 'numbered' ? range.count : 0,
      },
    } as PatternedRecurrence;
    return {
      recurrence,
      start: { dateTime: local.toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: zone },
      zone,
      startInstant: local.toJSDate(),
    };
  });

const email = (prefix: string): fc.Arbitrary<string> =>
  fc.constantFrom('ann', 'bob', 'carla', 'dev', 'eve', 'fritz').map((n) => `${n}.${prefix}@Contoso.com`);

/** Bookings as the core may hold them: single or recurring, with exceptions, in any of ZONES. */
export const booking: fc.Arbitrary<Booking> = fc
  .record({
    series: fc.option(seriesCase, { nil: undefined }),
    zone: fc.constantFrom(...ZONES),
    startMs: fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2029-01-01T00:00:00Z') }),
    durationMinutes: fc.integer({ min: 1, max: 8 * 60 }).map((m) => m * 5),
    subject: fc.string({ maxLength: 40 }),
    organizer: fc.option(fc.record({ email: email('org'), name: fc.string({ maxLength: 12 }) }), {
      nil: null,
    }),
    attendees: fc.array(
      fc.record({ email: email('att'), name: fc.string({ maxLength: 12 }), required: fc.boolean() }),
      {
        maxLength: 5,
      },
    ),
    rooms: fc.subarray(['room.alpha@contoso.com', 'room.beta@contoso.com', 'room.gamma@contoso.com']),
    allDay: fc.boolean(),
    exceptionPicks: fc.array(
      fc.record({
        at: fc.nat(),
        cancel: fc.boolean(),
        shiftMinutes: fc.integer({ min: -60, max: 60 }),
        subject: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((g): Booking => {
    const zone = g.series?.zone ?? g.zone;
    let start = g.series?.startInstant ?? new Date(Math.floor(g.startMs / 60_000) * 60_000);
    let end = new Date(start.getTime() + g.durationMinutes * 60_000);
    if (g.allDay) {
      const day = DateTime.fromJSDate(start, { zone }).startOf('day');
      start = day.toJSDate();
      end = day.plus({ days: 1 + (g.durationMinutes % 2) }).toJSDate();
    }
    const recurrence = g.series ? toRRule(g.series.recurrence, g.series.start) : null;
    const base: Booking = {
      subject: g.subject,
      start,
      end,
      timeZone: zone,
      isAllDay: g.allDay,
      organizer: g.organizer,
      attendees: g.attendees,
      rooms: g.rooms,
      recurrence,
      exceptions: [],
      sensitivity: 'normal',
    };
    if (!recurrence) return base;
    // A series starts on its first occurrence (the core moves a start that does not fit the pattern).
    const slots = expand(base, start, new Date(start.getTime() + 3 * 365 * 86_400_000)).slice(0, 12);
    const first = slots[0];
    if (!first) return { ...base, recurrence: null };
    base.start = first.start;
    base.end = first.end; // whole local days for an all-day series: expand keeps them so
    // The series' time on its first date, which a daylight-saving change may skip (Booking.localStart).
    const time = wallClockOf(start, zone);
    const nominal = {
      ...wallClockOf(first.start, zone),
      hour: time.hour,
      minute: time.minute,
      second: time.second,
    };
    if (!g.allDay && isSkipped(nominal, zone)) base.localStart = formatWall(nominal);
    const exceptions: BookingException[] = [];
    for (const pick of g.exceptionPicks) {
      const slot = slots[pick.at % Math.max(slots.length, 1)];
      if (!slot || exceptions.some((e) => e.originalStart.getTime() === slot.originalStart.getTime()))
        continue;
      exceptions.push(
        pick.cancel
          ? { originalStart: slot.originalStart, cancelled: true }
          : {
              originalStart: slot.originalStart,
              cancelled: false,
              start: new Date(slot.start.getTime() + pick.shiftMinutes * 60_000),
              end: new Date(slot.end.getTime() + pick.shiftMinutes * 60_000),
              ...(pick.subject !== undefined ? { subject: pick.subject } : {}),
            },
      );
    }
    return { ...base, exceptions };
  });

const RULE_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/**
 * RRULEs as a hostile or careless client may write them: parts combined at random, so most are
 * inexpressible and many can never occur (BYMONTH=2;BYMONTHDAY=30), with intervals, counts and ends up to
 * the parser's limits and beyond. For bounds: every call on one must return or refuse, quickly.
 */
export const hostileRRule: fc.Arbitrary<string> = fc
  .record(
    {
      freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
      interval: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 100_000 })),
      count: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100_000 })),
      until: fc
        .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('9999-12-31T00:00:00Z') })
        .map((ms) => `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`),
      byMonth: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }),
      byMonthDay: fc.uniqueArray(
        fc.integer({ min: -31, max: 31 }).filter((n) => n !== 0),
        { minLength: 1, maxLength: 4 },
      ),
      byDay: fc.uniqueArray(
        fc.record({
          ordinal: fc.option(
            fc.integer({ min: -53, max: 53 }).filter((n) => n !== 0),
            { nil: undefined },
          ),
          day: fc.constantFrom(...RULE_DAYS),
        }),
        { minLength: 1, maxLength: 3, selector: (d) => d.day },
      ),
      bySetPos: fc.uniqueArray(
        fc.integer({ min: -366, max: 366 }).filter((n) => n !== 0),
        { minLength: 1, maxLength: 2 },
      ),
      wkst: fc.constantFrom(...RULE_DAYS),
      end: fc.constantFrom('count', 'until', 'none'),
    },
    { requiredKeys: ['freq', 'end'] },
  )
  .map((r) =>
    [
      `FREQ=${r.freq}`,
      r.interval === undefined ? '' : `INTERVAL=${String(r.interval)}`,
      r.byMonth ? `BYMONTH=${r.byMonth.join(',')}` : '',
      r.byMonthDay ? `BYMONTHDAY=${r.byMonthDay.join(',')}` : '',
      r.byDay ? `BYDAY=${r.byDay.map((d) => `${d.ordinal ?? ''}${d.day}`).join(',')}` : '',
      r.bySetPos ? `BYSETPOS=${r.bySetPos.join(',')}` : '',
      r.wkst ? `WKST=${r.wkst}` : '',
      r.end === 'count' && r.count !== undefined ? `COUNT=${String(r.count)}` : '',
      r.end === 'until' && r.until !== undefined ? `UNTIL=${r.until}` : '',
    ]
      .filter(Boolean)
      .join(';'),
  );
