import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedHealth, type HealthReport } from '../../shared/health';

const ok: HealthReport = { status: 'ok', checks: [], checkedAt: '2026-11-25T10:00:00.000Z' };
const failing: HealthReport = { ...ok, status: 'failing' };

describe('the anonymous health endpoint’s report, made once for many callers', () => {
  it('makes one report for a burst of concurrent calls and reuses it for ttlMs', async () => {
    let clock = 0;
    let made = 0;
    let release: () => void = () => undefined;
    const report = cachedHealth(
      () => {
        made += 1;
        if (made > 1) return Promise.resolve(ok);
        return new Promise<HealthReport>((resolve) => {
          release = () => resolve(ok);
        });
      },
      { ttlMs: 10_000, now: () => clock },
    );
    const burst = Array.from({ length: 1000 }, () => report());
    release();
    await Promise.all(burst);
    assert.equal(made, 1, 'a thousand callers while it is made: one report (no table scan each)');
    clock = 9_999;
    await report();
    assert.equal(made, 1);
    clock = 10_000;
    await report();
    assert.equal(made, 2);
  });

  it('keeps a failing report for failingTtlMs only, and a report that could not be made not at all', async () => {
    let clock = 0;
    const answers: (() => Promise<HealthReport>)[] = [
      () => Promise.resolve(failing),
      () => Promise.reject(new Error('boom')),
      () => Promise.resolve(ok),
    ];
    let made = 0;
    const report = cachedHealth(() => (answers[made++] ?? (() => Promise.resolve(ok)))(), {
      failingTtlMs: 2000,
      now: () => clock,
    });
    assert.equal((await report()).status, 'failing');
    clock = 1999;
    assert.equal((await report()).status, 'failing');
    clock = 2000;
    await assert.rejects(report(), /boom/);
    assert.equal((await report()).status, 'ok');
    assert.equal(made, 3);
  });
});
