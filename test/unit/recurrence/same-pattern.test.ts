import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { samePattern } from '../../../shared/recurrence';

describe('samePattern', () => {
  it('ignores where a series ends', () => {
    assert.equal(samePattern('FREQ=WEEKLY;BYDAY=TU;COUNT=6', 'FREQ=WEEKLY;BYDAY=TU;COUNT=9'), true);
    assert.equal(samePattern('FREQ=WEEKLY;BYDAY=TU;COUNT=6', 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601'), true);
    assert.equal(samePattern('FREQ=DAILY;UNTIL=20270601', 'FREQ=DAILY;INTERVAL=1'), true);
  });
  it('sees a change of frequency, interval, days or positions', () => {
    assert.equal(samePattern('FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;BYDAY=WE'), false);
    assert.equal(samePattern('FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'), false);
    assert.equal(samePattern('FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYDAY=1FR'), false);
    assert.equal(samePattern('FREQ=DAILY;COUNT=3', 'FREQ=WEEKLY;COUNT=3'), false);
  });
});
