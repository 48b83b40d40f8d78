import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalCounter } from '../../../shared/ingress/refusal-counter';
import { summarizeRefusals, type RefusalRecord } from '../../../shared/store';
import { createLogger } from '../../../shared/telemetry/logger';

const T0 = new Date('2026-11-25T10:00:00Z').getTime();

function harness(options: { failing?: () => boolean; saveMs?: number } = {}) {
  let clock = T0;
  const saved: RefusalRecord[] = [];
  const lines: string[] = [];
  const counter = refusalCounter({
    save: async (row) => {
      if (options.saveMs) await new Promise((resolve) => setTimeout(resolve, options.saveMs));
      if (options.failing?.()) throw new Error('table storage unavailable; sig=SAS-VALUE');
      saved.push(row);
    },
    instance: 'instance-1',
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    flushIntervalMs: 10_000,
    waitMs: 200,
    now: () => new Date(clock),
  });
  return {
    counter,
    saved,
    lines,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('refused Workplace webhooks: the counter', () => {
  it('writes the first refusal before it answers, then at most once an interval however many come', async () => {
    const { counter, saved, lines, tick } = harness();
    await counter.record('badSignature');
    assert.equal(saved.length, 1, 'the first refusal is on record before its answer');
    assert.deepEqual(saved[0]?.counts, {
      missingHeaders: 0,
      malformedHeaders: 0,
      staleTimestamp: 0,
      badSignature: 1,
    });
    for (let i = 0; i < 5000; i++) {
      tick(1);
      await counter.record(i % 2 === 0 ? 'badSignature' : 'missingHeaders');
    }
    assert.equal(saved.length, 1, 'a flood within the interval writes nothing more');
    tick(5000);
    await counter.record('staleTimestamp');
    assert.equal(saved.length, 2, 'the interval over, the next refusal writes the whole count');
    assert.deepEqual(saved[1]?.counts, {
      missingHeaders: 2500,
      malformedHeaders: 0,
      staleTimestamp: 1,
      badSignature: 2501,
    });
    assert.equal(saved.at(1)?.lastReason, 'staleTimestamp');
    assert.equal(lines.length, 2, 'one log line per write, not per refusal');
    await counter.flush();
    assert.equal(saved.length, 2, 'nothing pending');
  });

  it('writes what a quiet interval left pending on a timer', async () => {
    let clock = Date.now();
    const saved: RefusalRecord[] = [];
    const counter = refusalCounter({
      save: (row) => (saved.push(row), Promise.resolve()),
      instance: 'i',
      logger: createLogger({ write: () => undefined }),
      flushIntervalMs: 50,
      now: () => new Date(clock),
    });
    await counter.record('badSignature');
    await counter.record('badSignature');
    assert.equal(saved.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    clock = Date.now();
    assert.equal(saved.length, 2);
    assert.equal(saved[1]?.counts.badSignature, 2);
  });

  it('starts a row per hour, writing the last hour’s pending count first', async () => {
    const { counter, saved, tick } = harness();
    await counter.record('badSignature');
    tick(1000);
    await counter.record('badSignature');
    tick(3_600_000);
    await counter.record('missingHeaders');
    // The old hour's row was just written, so the new one waits for the interval (or a flush).
    await counter.flush();
    assert.deepEqual(
      saved.map((r) => [r.hour, r.counts.badSignature, r.counts.missingHeaders]),
      [
        ['2026-11-25T10', 1, 0],
        ['2026-11-25T10', 2, 0],
        ['2026-11-25T11', 0, 1],
      ],
    );
  });

  it('never fails or stalls the answer when the table cannot be written, and logs that once an interval', async () => {
    let failing = true;
    const { counter, saved, lines, tick } = harness({ failing: () => failing });
    await counter.record('badSignature');
    for (let i = 0; i < 100; i++) {
      tick(200);
      await counter.record('badSignature');
    }
    assert.equal(saved.length, 0);
    const errors = lines.filter((l) => l.includes('Could not record refused Workplace webhooks'));
    assert.ok(errors.length >= 1 && errors.length <= 3, `${String(errors.length)} lines`);
    assert.ok(!lines.join('').includes('SAS-VALUE'));
    failing = false;
    tick(10_000);
    await counter.record('badSignature');
    assert.equal(saved.at(-1)?.counts.badSignature, 102, 'the whole count, once storage is back');
  });

  it('answers within waitMs when the write is slow', async () => {
    const { counter } = harness({ saveMs: 2000 });
    const started = performance.now();
    await counter.record('badSignature');
    assert.ok(performance.now() - started < 1000);
    await counter.flush();
  });
});

describe('refused Workplace webhooks: the summary', () => {
  const row = (hour: string, instance: string, badSignature: number, lastAt: string): RefusalRecord => ({
    hour,
    instance,
    counts: { missingHeaders: 1, malformedHeaders: 0, staleTimestamp: 0, badSignature },
    lastAt,
    lastReason: 'badSignature',
  });

  it('adds up the instances’ rows of the last 24 hours and names the latest refusal', () => {
    const now = new Date('2026-11-25T10:30:00Z');
    const summary = summarizeRefusals(
      [
        row('2026-11-25T10', 'a', 3, '2026-11-25T10:20:00Z'),
        row('2026-11-25T10', 'b', 2, '2026-11-25T10:25:00Z'),
        row('2026-11-24T11', 'a', 10, '2026-11-24T11:59:00Z'),
        row('2026-11-24T10', 'a', 100, '2026-11-24T10:59:00Z'),
      ],
      now,
    );
    assert.deepEqual(summary, {
      last24Hours: 18,
      lastHour: 7,
      byReason: { missingHeaders: 3, malformedHeaders: 0, staleTimestamp: 0, badSignature: 15 },
      lastAt: '2026-11-25T10:25:00Z',
      lastReason: 'badSignature',
    });
  });
});
