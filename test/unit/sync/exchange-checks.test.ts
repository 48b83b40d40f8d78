import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGraphEvent } from '../../../shared/graph';
import { clashingItems, hostLeft, slotsOf } from '../../../shared/sync/execute/exchange-checks';
import { makeBooking } from '../../factories/booking';

describe('the checks before a write to Exchange', () => {
  it('counts a long-running series’ slots from now, not from its start years ago', () => {
    // Daily since 2012: expanded from its start to a horizon in 2027 it is over the expansion's budget
    // (5,000 occurrences), and the room check failed the change with RecurrenceTooLarge.
    const series = makeBooking({
      start: new Date('2012-01-02T08:00:00Z'),
      end: new Date('2012-01-02T09:00:00Z'),
      timeZone: 'UTC',
      recurrence: 'FREQ=DAILY',
    });
    const from = new Date('2026-12-03T00:00:00Z');
    const slots = slotsOf(series, from, new Date('2027-12-04T00:00:00Z'));
    assert.ok(slots.length >= 365 && slots.length <= 367, String(slots.length));
    assert.ok(slots.every((s) => s.start >= from));
  });

  it('finds the items that clash: busy, overlapping, not this create’s own event nor the booking’s meeting', () => {
    const slot = { start: new Date('2026-12-10T09:00:00Z'), end: new Date('2026-12-10T10:00:00Z') };
    const item = (id: string, extra: Record<string, unknown> = {}) =>
      parseGraphEvent({
        id,
        start: { dateTime: '2026-12-10T09:30:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-12-10T10:30:00.0000000', timeZone: 'UTC' },
        ...extra,
      });
    const items = [
      item('busy'),
      item('free', { showAs: 'free' }),
      item('cancelled', { isCancelled: true }),
      item('retry', { transactionId: 'tx' }),
      item('own', { iCalUId: 'own-meeting' }),
      item('later', { start: { dateTime: '2026-12-10T10:00:00', timeZone: 'UTC' } }),
    ];
    assert.deepEqual(
      clashingItems(items, [slot], 'tx', ['own-meeting']).map((i) => i.id),
      ['busy'],
    );
  });

  it('moves a Workplace booking whose host room was taken off, and only that', () => {
    const booking = makeBooking({ rooms: ['room.beta@contoso.com'] });
    assert.equal(hostLeft('workplace', 'room.alpha@contoso.com', booking), true);
    assert.equal(hostLeft('workplace', 'room.beta@contoso.com', booking), false);
    assert.equal(hostLeft('exchange', 'room.alpha@contoso.com', booking), false);
  });
});
