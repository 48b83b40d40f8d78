import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOOKING_WINDOW_SUSPECT_DAYS,
  declineOf,
  safeText,
  subjectTreatment,
} from '../../../shared/status/detect';

const ROOM = 'room.alpha@contoso.com';

/** A room's copy of Ada's meeting, as Graph returns it. */
const copy = (subject: string, overrides: Record<string, unknown> = {}) => ({
  id: 'AAMk=',
  subject,
  organizer: { emailAddress: { address: 'ada@contoso.com', name: 'Ada Lovelace' } },
  responseStatus: { response: 'accepted' },
  ...overrides,
});

describe('subjectTreatment: what a room copy says about the room’s calendar processing', () => {
  it('replaced: the subject is the organizer’s name (DeleteSubject + AddOrganizerToSubject)', () => {
    assert.equal(subjectTreatment(copy('Ada Lovelace'), ROOM), 'replaced');
    assert.equal(subjectTreatment(copy('  ada lovelace '), ROOM), 'replaced');
  });

  it('prefixed: the organizer’s name before the subject (AddOrganizerToSubject alone)', () => {
    assert.equal(subjectTreatment(copy('Ada Lovelace Quarterly review'), ROOM), 'prefixed');
  });

  it('kept: any other subject', () => {
    assert.equal(subjectTreatment(copy('Quarterly review'), ROOM), 'kept');
    assert.equal(subjectTreatment(copy('Ada Lovelaces'), ROOM), 'kept');
  });

  it('cannot tell from the room’s own event, an empty subject, no organizer name, a cancelled or declined copy', () => {
    const own = copy('Room Alpha', {
      organizer: { emailAddress: { address: 'Room.Alpha@contoso.com', name: 'Room Alpha' } },
    });
    assert.equal(subjectTreatment(own, ROOM), undefined);
    assert.equal(subjectTreatment(copy(''), ROOM), undefined);
    assert.equal(
      subjectTreatment(copy('x', { organizer: { emailAddress: { address: 'ada@contoso.com' } } }), ROOM),
      undefined,
    );
    assert.equal(subjectTreatment(copy('Ada Lovelace', { isCancelled: true }), ROOM), undefined);
    assert.equal(
      subjectTreatment(copy('Ada Lovelace', { responseStatus: { response: 'declined' } }), ROOM),
      undefined,
    );
    assert.equal(subjectTreatment({ id: 'x' }, ROOM), undefined);
  });
});

describe('declineOf: how far ahead a declined booking lay', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  const single = (start: string, timeZone = 'Europe/Brussels') => ({ start, timeZone, recurrence: null });

  it('a single booking more than 180 days ahead is probably the booking window', () => {
    const far = declineOf(single('2026-08-01T10:00:00'), now);
    assert.equal(far.startsInDays, 202);
    assert.equal(far.startsAt, '2026-08-01T08:00:00.000Z');
    assert.equal(far.bookingWindow, true);
    assert.equal('endsInDays' in far, false);
  });

  it('a booking within 180 days is a decline for another reason (a clash, a policy)', () => {
    const near = declineOf(single('2026-02-01T10:00:00'), now);
    assert.equal(near.startsInDays, 21);
    assert.equal(near.bookingWindow, false);
    assert.equal(BOOKING_WINDOW_SUSPECT_DAYS, 180);
  });

  it('a series is judged by its end: past the window or without end (EnforceSchedulingHorizon)', () => {
    const start = '2026-01-12T09:00:00';
    const endless = declineOf({ start, timeZone: 'UTC', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO' } }, now);
    assert.equal(endless.endsInDays, null);
    assert.equal(endless.bookingWindow, true);
    const until = declineOf(
      { start, timeZone: 'UTC', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T235959Z' } },
      now,
    );
    assert.equal(until.endsInDays, 355);
    assert.equal(until.bookingWindow, true);
    const counted = declineOf(
      { start, timeZone: 'UTC', recurrence: { rrule: 'RRULE:FREQ=WEEKLY;COUNT=4' } },
      now,
    );
    assert.equal(counted.endsInDays, 22);
    assert.equal(counted.bookingWindow, false);
  });

  it('an unknown time zone is read as UTC; an unreadable start gives no distance', () => {
    assert.equal(
      declineOf(single('2026-08-01T10:00:00', 'Mars/Olympus'), now).startsAt,
      '2026-08-01T10:00:00.000Z',
    );
    const unknown = declineOf(single('soon'), now);
    assert.deepEqual([unknown.startsAt, unknown.startsInDays, unknown.bookingWindow], [null, null, false]);
  });
});

describe('safeText', () => {
  it('masks attendees’ addresses and credentials, keeps the given rooms', () => {
    const text = safeText(
      'GraphFailure: ada@contoso.com invited Room.Alpha@contoso.com; GET https://x/y?code=abc123&sig=zzz Bearer eyJhbGciOi.eyJzdWIi.sig',
      [ROOM],
    );
    assert.ok(!text.includes('ada@'), text);
    assert.ok(text.includes('[address] invited Room.Alpha@contoso.com'), text);
    assert.ok(!/abc123|zzz|eyJ/.test(text), text);
  });
});
