import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { graphEventPageSchema, parseGraphEvent, type GraphEvent } from '../../../shared/graph/event';
import { InvalidBookingInput, fingerprint, type Booking } from '../../../shared/model';
import {
  RESPONSIBLE_PROPERTY,
  bookingFromGraphEvent,
  type GraphReadOptions,
  type MappingWarning,
} from '../../../shared/mapping';
import { expand } from '../../../shared/recurrence';
import { makeBooking } from '../../factories/booking';
import { graphEvent, makeGraphEvent } from '../../factories/graph-event';

const docs = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'graph-docs', name), 'utf8'));

/** A documented event as the gateway gives it. */
const docEvent = (name: string): GraphEvent => parseGraphEvent(docs(name));

const ROOM = 'room.alpha@contoso.com';

/** Graph's JSON read as the sync reads it: validated at the gateway into a GraphEvent, then mapped. */
const read = (json: object, options?: GraphReadOptions): Booking =>
  bookingFromGraphEvent(graphEvent(json), options);

function refused(json: object, options?: GraphReadOptions): InvalidBookingInput {
  try {
    read(json, options);
  } catch (err) {
    assert.ok(err instanceof InvalidBookingInput, `expected InvalidBookingInput, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the event to be refused');
}

/** A series master as Graph returns it without Prefer headers: UTC times, the zone in originalStartTimeZone. */
const master = (
  recurrence: Record<string, unknown>,
  start: string,
  end: string,
  zone: string,
): Record<string, unknown> => ({
  type: 'seriesMaster',
  subject: 'Series',
  start: { dateTime: start, timeZone: 'UTC' },
  end: { dateTime: end, timeZone: 'UTC' },
  originalStartTimeZone: zone,
  organizer: { emailAddress: { name: 'Ada', address: 'Ada@Contoso.com' } },
  attendees: [{ type: 'resource', emailAddress: { name: 'Room Alpha', address: ROOM } }],
  recurrence,
});

const dates = (b: Booking, zone: string, count: number): string[] =>
  expand(b, b.start, new Date(b.start.getTime() + 800 * 86_400_000))
    .slice(0, count)
    .map((o) =>
      new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' }).format(
        o.start,
      ),
    );

describe('bookingFromGraphEvent: Graph documentation payloads', () => {
  it('a weekly series master with an endDate range, times in Pacific Standard Time', () => {
    const booking = bookingFromGraphEvent(docEvent('series-master-weekly-enddate-pst.json'));
    assert.equal(booking.start.toISOString(), '2017-09-04T19:00:00.000Z');
    assert.equal(booking.end.toISOString(), '2017-09-04T21:00:00.000Z');
    assert.equal(booking.timeZone, 'America/Los_Angeles');
    // The range ends on 31 December, inclusive, in the recurrence zone: 23:59:59 PST is 07:59:59 UTC.
    assert.equal(booking.recurrence, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;UNTIL=20180101T075959Z');
    const all = expand(booking, booking.start, new Date('2019-01-01Z'));
    assert.equal(all.length, 17);
    assert.equal(
      all.at(-1)?.start.toISOString(),
      '2017-12-25T20:00:00.000Z',
      'noon PST after the DST change',
    );
  });

  it('a weekly noEnd series master read in UTC keeps the series in its own zone (Eastern)', () => {
    const booking = bookingFromGraphEvent(docEvent('series-master-weekly-noend-utc.json'));
    assert.equal(booking.timeZone, 'America/New_York');
    assert.equal(booking.recurrence, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH');
    assert.deepEqual(dates(booking, 'America/New_York', 3), [
      '2017-08-15 10:30',
      '2017-08-17 10:30',
      '2017-08-22 10:30',
    ]);
  });

  it('a master with cancelledOccurrences and $expand=exceptionOccurrences (original date from occurrenceId)', () => {
    // The documented response was $select-ed without `recurrence`; the series is weekly on Thursdays.
    const payload = {
      ...docEvent('master-cancelled-and-exception-occurrences.json'),
      type: 'seriesMaster',
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
        range: { type: 'noEnd', startDate: '2020-04-23', recurrenceTimeZone: 'UTC' },
      },
    };
    const booking = read(payload);
    assert.deepEqual(
      booking.exceptions.map((e) =>
        e.cancelled
          ? [e.originalStart.toISOString(), 'cancelled']
          : [e.originalStart.toISOString(), e.subject],
      ),
      [
        ['2020-04-30T11:30:00.000Z', 'cancelled'],
        ['2020-05-07T11:30:00.000Z', 'cancelled'],
        ['2020-05-14T11:30:00.000Z', 'cancelled'],
        ['2020-05-21T11:30:00.000Z', 'SM update 24'],
      ],
    );
  });

  it('a list of instances needs originalStart to key exceptions; with it, the moved occurrence and a missing one read right', () => {
    const instances = graphEventPageSchema
      .parse(docs('instances-with-exception.json'))
      .value.map((item) => parseGraphEvent(item));
    const series = master(
      {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'noEnd', startDate: '2019-04-08' },
      },
      '2019-04-08T20:30:00.0000000',
      '2019-04-08T21:00:00.0000000',
      'UTC',
    );
    series.subject = 'Review strategy for Q3';
    assert.equal(refused(series, { instances }).path, 'instances.0.originalStart');
    // The documented $select left originalStart out; Graph gives it when asked: 4/15 moved to 4/16.
    const withOriginalStart = instances.map((item) => ({
      ...item,
      originalStart:
        item.type === 'exception' ? '2019-04-15T20:30:00Z' : `${item.start?.dateTime.slice(0, 19) ?? ''}Z`,
    }));
    const window = { from: new Date('2019-04-08T00:00:00Z'), to: new Date('2019-05-06T00:00:00Z') };
    const exceptions = (listed: GraphEvent[]): string[][] =>
      read(series, { instances: listed, instancesWindow: window }).exceptions.map((e) => [
        e.originalStart.toISOString(),
        e.cancelled ? 'cancelled' : e.start.toISOString(),
      ]);
    assert.deepEqual(exceptions(withOriginalStart), [
      ['2019-04-15T20:30:00.000Z', '2019-04-16T20:30:00.000Z'],
    ]);
    // Nothing lists a cancelled occurrence but the master; a slot without an instance was cancelled.
    const without422 = withOriginalStart.filter((i) => i.originalStart !== '2019-04-22T20:30:00Z');
    assert.deepEqual(exceptions(without422), [
      ['2019-04-15T20:30:00.000Z', '2019-04-16T20:30:00.000Z'],
      ['2019-04-22T20:30:00.000Z', 'cancelled'],
    ]);
  });

  it('an event read with Prefer: outlook.timezone gives the same instants as one read in UTC', () => {
    const event = docEvent('prefer-timezone.json');
    const pacific = bookingFromGraphEvent(event);
    assert.equal(pacific.timeZone, 'America/Los_Angeles');
    assert.equal(
      pacific.start.toISOString(),
      new Date(`${event.start?.dateTime.slice(0, 19) ?? ''}-07:00`).toISOString(),
      'Pacific daylight time in that example',
    );
  });

  it('a meeting with a conference-room location: rooms come from the mailbox read and resource attendees', () => {
    const booking = bookingFromGraphEvent(docEvent('meeting-with-room-location.json'), {
      roomEmail: 'Room.Alpha@contoso.com',
    });
    assert.deepEqual(booking.rooms, [ROOM]);
    assert.ok(booking.attendees.every((a) => a.email !== ROOM));
  });
});

describe('bookingFromGraphEvent: patterns and shapes', () => {
  it('a weekly series in a US zone crossing the November DST change keeps 09:00 local', () => {
    const booking = read(
      master(
        {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
          range: { type: 'numbered', startDate: '2026-10-22', numberOfOccurrences: 4 },
        },
        '2026-10-22T16:00:00.0000000',
        '2026-10-22T17:00:00.0000000',
        'Pacific Standard Time',
      ),
    );
    assert.equal(booking.recurrence, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=4');
    assert.deepEqual(
      expand(booking, new Date('2026-10-01Z'), new Date('2027-01-01Z')).map((o) => o.start.toISOString()),
      [
        '2026-10-22T16:00:00.000Z',
        '2026-10-29T16:00:00.000Z',
        '2026-11-05T17:00:00.000Z',
        '2026-11-12T17:00:00.000Z',
      ],
    );
    assert.deepEqual(booking.organizer, { email: 'ada@contoso.com', name: 'Ada' });
    assert.deepEqual(booking.rooms, [ROOM]);
  });

  it('absoluteMonthly on day 31, relativeMonthly on the last Friday, every two weeks from Monday', () => {
    const monthly = read(
      master(
        {
          pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
          range: { type: 'noEnd', startDate: '2027-01-31' },
        },
        '2027-01-31T13:00:00.0000000',
        '2027-01-31T14:00:00.0000000',
        'W. Europe Standard Time',
      ),
    );
    assert.deepEqual(dates(monthly, 'Europe/Berlin', 4), [
      '2027-01-31 14:00',
      '2027-02-28 14:00',
      '2027-03-31 14:00',
      '2027-04-30 14:00',
    ]);
    const lastFriday = read(
      master(
        {
          pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
          range: { type: 'endDate', startDate: '2026-11-27', endDate: '2027-02-26' },
        },
        '2026-11-27T15:00:00.0000000',
        '2026-11-27T16:00:00.0000000',
        'GMT Standard Time',
      ),
    );
    assert.equal(lastFriday.recurrence, 'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;UNTIL=20270226T235959Z');
    assert.deepEqual(dates(lastFriday, 'Europe/London', 5), [
      '2026-11-27 15:00',
      '2026-12-25 15:00',
      '2027-01-29 15:00',
      '2027-02-26 15:00',
    ]);
    const fortnightly = read(
      master(
        {
          pattern: {
            type: 'weekly',
            interval: 2,
            daysOfWeek: ['sunday', 'monday'],
            firstDayOfWeek: 'monday',
          },
          range: { type: 'numbered', startDate: '2026-11-08', numberOfOccurrences: 4 },
        },
        '2026-11-08T09:00:00.0000000',
        '2026-11-08T10:00:00.0000000',
        'UTC',
      ),
    );
    assert.equal(fortnightly.recurrence, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=MO;COUNT=4');
    assert.deepEqual(dates(fortnightly, 'UTC', 4), [
      '2026-11-08 09:00',
      '2026-11-16 09:00',
      '2026-11-22 09:00',
      '2026-11-30 09:00',
    ]);
  });

  it('moves a series whose start does not fit its pattern to its first occurrence', () => {
    const booking = read(
      master(
        {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
          range: { type: 'noEnd', startDate: '2026-11-03' },
        },
        '2026-11-03T09:00:00.0000000',
        '2026-11-03T10:00:00.0000000',
        'UTC',
      ),
    );
    assert.equal(booking.start.toISOString(), '2026-11-05T09:00:00.000Z');
    assert.equal(booking.end.toISOString(), '2026-11-05T10:00:00.000Z');
  });

  it('an all-day event, whether Graph returns its bounds converted to UTC or as local midnights', () => {
    const allDay = (start: string, end: string, timeZone: string): Booking =>
      read({
        isAllDay: true,
        subject: 'Offsite',
        originalStartTimeZone: 'W. Europe Standard Time',
        start: { dateTime: start, timeZone },
        end: { dateTime: end, timeZone },
      });
    const converted = allDay('2026-12-23T23:00:00.0000000', '2026-12-24T23:00:00.0000000', 'UTC');
    const local = allDay(
      '2026-12-24T00:00:00.0000000',
      '2026-12-25T00:00:00.0000000',
      'W. Europe Standard Time',
    );
    const floating = allDay('2026-12-24T00:00:00.0000000', '2026-12-25T00:00:00.0000000', 'UTC');
    for (const b of [converted, local, floating]) {
      assert.equal(b.isAllDay, true);
      assert.equal(b.start.toISOString(), '2026-12-23T23:00:00.000Z');
      assert.equal(b.end.toISOString(), '2026-12-24T23:00:00.000Z');
    }
  });

  it('reads the responsible person of a room-organized event from the roomsync property', () => {
    const booking = bookingFromGraphEvent(
      makeGraphEvent({
        subject: 'Made in Workplace',
        organizer: { emailAddress: { name: 'Room Alpha', address: ROOM } },
        attendees: [
          { type: 'required', emailAddress: { name: 'Ann', address: 'ann@contoso.com' } },
          { type: 'optional', emailAddress: { name: 'Bob', address: 'BOB@contoso.com' } },
          { type: 'resource', emailAddress: { name: 'Room Beta', address: 'room.beta@contoso.com' } },
        ],
        singleValueExtendedProperties: [{ id: RESPONSIBLE_PROPERTY, value: 'ann@contoso.com' }],
      }),
      { roomEmail: ROOM },
    );
    assert.deepEqual(booking.organizer, { email: 'ann@contoso.com', name: 'Ann' });
    assert.deepEqual(booking.attendees, [{ email: 'bob@contoso.com', name: 'Bob', required: false }]);
    assert.deepEqual(booking.rooms, [ROOM, 'room.beta@contoso.com']);
  });

  it('falls back to UTC with a warning for a custom zone, and never throws for it', () => {
    const warnings: MappingWarning[] = [];
    const booking = read(
      master(
        {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 3 },
        },
        '2026-12-01T23:30:00.0000000',
        '2026-12-02T00:30:00.0000000',
        'tzone://Microsoft/Custom',
      ),
      { onWarning: (w) => warnings.push(w) },
    );
    assert.equal(booking.timeZone, 'UTC');
    assert.equal(booking.recurrence, 'FREQ=DAILY;INTERVAL=1;COUNT=3');
    assert.deepEqual(
      warnings.map((w) => [w.code, w.path]),
      [['unknownTimeZone', 'originalStartTimeZone']],
    );
    read({
      ...master(
        { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2026-12-01' } },
        '2026-12-01T09:00:00',
        '2026-12-01T10:00:00',
        'Customized Time Zone',
      ),
    });
  });

  it('an occurrence cancelled in cancelledOccurrences stays cancelled when exceptionOccurrences lists its copy', () => {
    const booking = read({
      ...master(
        {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
          range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 3 },
        },
        '2026-12-01T09:00:00.0000000',
        '2026-12-01T10:00:00.0000000',
        'UTC',
      ),
      cancelledOccurrences: ['OID.AAMm=.2026-12-08'],
      exceptionOccurrences: [
        {
          type: 'exception',
          isCancelled: true,
          originalStart: '2026-12-08T09:00:00Z',
          start: { dateTime: '2026-12-08T11:00:00.0000000', timeZone: 'UTC' },
          end: { dateTime: '2026-12-08T12:00:00.0000000', timeZone: 'UTC' },
        },
      ],
    });
    assert.deepEqual(booking.exceptions, [
      { originalStart: new Date('2026-12-08T09:00:00Z'), cancelled: true },
    ]);
  });

  it('takes the series’ zone from its pattern when the event names none', () => {
    const booking = read({
      ...master(
        {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'noEnd', startDate: '2026-11-02', recurrenceTimeZone: 'Pacific Standard Time' },
        },
        '2026-11-02T17:00:00.0000000',
        '2026-11-02T18:00:00.0000000',
        'UTC',
      ),
      originalStartTimeZone: undefined,
    });
    assert.equal(booking.timeZone, 'America/Los_Angeles');
    assert.deepEqual(dates(booking, 'America/Los_Angeles', 2), ['2026-11-02 09:00', '2026-11-09 09:00']);
  });

  it('in the UTC fallback for a custom zone, the range follows the start read in UTC', () => {
    // 23:30 UTC on 1 December is already the 2nd in the custom zone, where the range starts; kept in UTC,
    // the series starts on the 1st, and its end date is read in UTC too.
    const booking = read(
      master(
        {
          pattern: { type: 'daily', interval: 1 },
          range: {
            type: 'endDate',
            startDate: '2026-12-02',
            endDate: '2026-12-04',
            recurrenceTimeZone: 'tzone://Microsoft/Custom',
          },
        },
        '2026-12-01T23:30:00.0000000',
        '2026-12-02T00:30:00.0000000',
        'tzone://Microsoft/Custom',
      ),
    );
    assert.equal(booking.timeZone, 'UTC');
    assert.equal(booking.start.toISOString(), '2026-12-01T23:30:00.000Z');
    assert.equal(booking.recurrence, 'FREQ=DAILY;INTERVAL=1;UNTIL=20261204T235959Z');
  });

  it('refuses what a Booking needs and the event type leaves optional, naming the field', () => {
    // What is not an event at all (null, attendees that are not a list) no longer reaches the mapping: the
    // gateway's parseGraphEvent refuses it with UnexpectedAnswer (test/unit/graph/event.test.ts).
    const single = {
      start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
    };
    assert.equal(refused({ end: single.end }).path, 'start');
    assert.equal(
      refused({ ...single, start: { dateTime: 'tomorrow', timeZone: 'UTC' } }).path,
      'start.dateTime',
    );
    assert.equal(
      refused({ ...single, end: { dateTime: '2026-12-01T08:00:00', timeZone: 'UTC' } }).path,
      'end',
    );
    const series = (pattern: Record<string, unknown>): Record<string, unknown> =>
      master(
        { pattern, range: { type: 'noEnd', startDate: '2026-12-01' } },
        '2026-12-01T09:00:00',
        '2026-12-01T10:00:00',
        'UTC',
      );
    assert.equal(refused(series({ type: 'fortnightly', interval: 1 })).path, 'recurrence.pattern.type');
    assert.equal(refused(series({ type: 'daily', interval: 0 })).path, 'recurrence.pattern.interval');
    const exception = { type: 'exception', originalStart: '2026-12-02T09:00:00Z', end: single.end };
    assert.equal(
      refused({ ...series({ type: 'daily', interval: 1 }), exceptionOccurrences: [exception] }).path,
      'exceptionOccurrences.0.start',
    );
  });

  it('reads the Graph event factory as the booking factory', () => {
    const booking = bookingFromGraphEvent(makeGraphEvent(), { roomEmail: ROOM });
    assert.equal(fingerprint(booking), fingerprint(makeBooking()));
  });
});
