import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnexpectedAnswer } from '../../../shared/errors';
import {
  attendeeName,
  extendedProperty,
  isCancelled,
  isDeclined,
  isRemoved,
  kindOf,
  organizerOf,
  parseGraphEvent,
  reservationIdOf,
  seriesMasterOf,
  spanOf,
} from '../../../shared/graph/event';
import { RESERVATION_ID_PROPERTY } from '../../../shared/graph/properties';
import { makeGraphEvent } from '../../factories/graph-event';

/** The one Graph event type and the questions the sync asks of it (shared/graph/event.ts). */

function refused(input: unknown): UnexpectedAnswer {
  try {
    parseGraphEvent(input);
  } catch (err) {
    assert.ok(err instanceof UnexpectedAnswer, `expected UnexpectedAnswer, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the event to be refused');
}

describe('Graph events: identity and version', () => {
  it('tells an event’s identity apart from its content', () => {
    const event = parseGraphEvent({
      id: 'AAMk=',
      type: 'exception',
      iCalUId: '0400',
      changeKey: 'ck',
      seriesMasterId: 'AAMm=',
      originalStart: '2026-11-05T17:00:00Z',
      organizer: { emailAddress: { address: 'Room.Alpha@contoso.com', name: 'Room Alpha' } },
    });
    assert.deepEqual(
      [event.id, kindOf(event), event.iCalUId, event.changeKey, seriesMasterOf(event)],
      ['AAMk=', 'exception', '0400', 'ck', 'AAMm='],
    );
    assert.equal(Date.parse(event.originalStart ?? ''), Date.parse('2026-11-05T17:00:00Z'));
    assert.equal(isCancelled(event), false);
    assert.equal(organizerOf(event), 'room.alpha@contoso.com', 'whose meeting this copy is, lower-cased');
    const bare = parseGraphEvent({ id: 'x' });
    assert.equal(organizerOf(bare), null);
    assert.equal(seriesMasterOf(bare), null);
  });

  it('reads the kind in any casing; without a type, a repeating event is a master', () => {
    assert.equal(kindOf(makeGraphEvent({ type: 'SeriesMaster' })), 'seriesMaster');
    assert.equal(kindOf(makeGraphEvent({ type: 'occurrence' })), 'occurrence');
    const pattern = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'noEnd', startDate: '2026-03-30' },
    };
    assert.equal(kindOf(makeGraphEvent({ type: undefined, recurrence: pattern })), 'seriesMaster');
    assert.equal(kindOf(makeGraphEvent({ type: undefined })), 'singleInstance');
  });
});

describe('Graph events: what the sync asks of them', () => {
  it('declined by the room, cancelled by its organizer, removed from a delta round', () => {
    const meeting = makeGraphEvent();
    assert.deepEqual([isDeclined(meeting), isCancelled(meeting), isRemoved(meeting)], [false, false, false]);
    assert.equal(isDeclined(makeGraphEvent({ responseStatus: { response: 'declined' } })), true);
    assert.equal(isCancelled(makeGraphEvent({ isCancelled: true })), true);
    assert.equal(isRemoved(parseGraphEvent({ id: 'gone', '@removed': { reason: 'deleted' } })), true);
  });

  it('reads extended properties by id in any casing, the reservation id among them', () => {
    const made = makeGraphEvent({
      singleValueExtendedProperties: [{ id: RESERVATION_ID_PROPERTY.toLowerCase(), value: 'r-1' }],
    });
    assert.equal(reservationIdOf(made), 'r-1');
    assert.equal(extendedProperty(made, RESERVATION_ID_PROPERTY.toUpperCase()), 'r-1');
    assert.equal(reservationIdOf(makeGraphEvent()), undefined);
  });

  it('names an attendee by address, or gives an empty name', () => {
    const meeting = makeGraphEvent();
    assert.equal(attendeeName(meeting, 'room.alpha@contoso.com'), 'Room Alpha');
    assert.equal(attendeeName(meeting, 'nobody@contoso.com'), '');
  });

  it('gives a listed item’s span as instants: UTC unless an offset says otherwise', () => {
    const span = spanOf(makeGraphEvent());
    assert.deepEqual(
      [span?.start.toISOString(), span?.end.toISOString()],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T08:00:00.000Z'],
    );
    const offset = spanOf(
      makeGraphEvent({
        start: { dateTime: '2026-03-30T09:00:00+02:00', timeZone: null },
        end: { dateTime: '2026-03-30T10:00:00+02:00', timeZone: null },
      }),
    );
    assert.equal(offset?.start.toISOString(), '2026-03-30T07:00:00.000Z');
    assert.equal(spanOf(parseGraphEvent({ id: 'stub' })), undefined);
  });
});

describe('parseGraphEvent', () => {
  it('camel-cases the keys of an exception occurrence (one documented payload writes `Subject`)', () => {
    const master = parseGraphEvent({
      id: 'm',
      exceptionOccurrences: [{ Subject: 'SM update 24', occurrenceId: 'OID.m.2020-05-21' }],
    });
    assert.equal(master.exceptionOccurrences?.[0]?.subject, 'SM update 24');
  });

  it('refuses what is not an event with UnexpectedAnswer naming the field', () => {
    // null and a non-list of attendees were the mapping's InvalidBookingInput ('event', 'attendees')
    // before Graph's answers were validated here.
    assert.match(refused(null).message, /\(event\)/);
    assert.match(refused({ subject: 'no id' }).message, /: id: /);
    assert.match(refused({ ...makeGraphEvent(), attendees: 'everyone' }).message, /: attendees: /);
    assert.match(refused({ id: 'x', start: { timeZone: 'UTC' } }).message, /: start\.dateTime: /);
    assert.equal(refused({ id: 'x', isAllDay: 'yes' }).side, 'exchange');
  });
});
