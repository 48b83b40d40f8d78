import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bookingFromGraphEvent } from '../../../shared/mapping';
import { fingerprint } from '../../../shared/model';
import { booking } from '../../factories/arbitraries';
import { makeBooking } from '../../factories/booking';
import { graphEvent } from '../../factories/graph-event';

describe('fingerprint', () => {
  it('does not depend on attendee order, e-mail case or display names (property)', () => {
    fc.assert(
      fc.property(booking, fc.infiniteStream(fc.boolean()), (b, flips) => {
        const reordered = {
          ...b,
          attendees: [...b.attendees].reverse().map((a) => ({
            ...a,
            email: flips.next().value ? a.email.toUpperCase() : a.email,
            name: `${a.name}!`,
          })),
          rooms: [...b.rooms].reverse().map((r) => r.toUpperCase()),
          organizer: b.organizer ? { ...b.organizer, name: 'Someone else' } : null,
          exceptions: [...b.exceptions].reverse(),
        };
        assert.equal(fingerprint(reordered), fingerprint(b));
      }),
      { numRuns: 200 },
    );
  });

  it('changes with anything synced: subject, times, people, rooms, recurrence, exceptions', () => {
    const b = makeBooking({ recurrence: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3' });
    const base = fingerprint(b);
    const variants = [
      { ...b, subject: 'Other' },
      { ...b, end: new Date(b.end.getTime() + 60_000) },
      { ...b, organizer: { email: 'cy@contoso.com', name: 'Cy' } },
      { ...b, attendees: [{ email: 'bob@contoso.com', name: 'Bob', required: false }] },
      { ...b, rooms: ['room.beta@contoso.com'] },
      { ...b, recurrence: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=4' },
      { ...b, exceptions: [{ originalStart: b.start, cancelled: true as const }] },
      { ...b, timeZone: 'America/New_York' },
    ];
    for (const variant of variants) assert.notEqual(fingerprint(variant), base);
  });

  it('ignores Graph’s zero-filled unused recurrence fields and equivalent RRULE spellings', () => {
    const event = (pattern: Record<string, unknown>) =>
      graphEvent({
        subject: 'Series',
        start: { dateTime: '2026-11-27T15:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-11-27T16:00:00', timeZone: 'UTC' },
        recurrence: { pattern, range: { type: 'noEnd', startDate: '2026-11-27' } },
      });
    const sparse = bookingFromGraphEvent(
      event({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' }),
    );
    const filled = bookingFromGraphEvent(
      event({
        type: 'relativeMonthly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['Friday'],
        firstDayOfWeek: 'sunday',
        index: 'last',
      }),
    );
    assert.equal(fingerprint(sparse), fingerprint(filled));
    assert.equal(
      fingerprint({ ...sparse, recurrence: 'FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1' }),
      fingerprint(sparse),
    );
    // Zones Exchange cannot tell apart count as one.
    const brussels = makeBooking();
    assert.equal(fingerprint({ ...brussels, timeZone: 'Europe/Paris' }), fingerprint(brussels));
  });
});
