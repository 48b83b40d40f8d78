import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { axxerion, basic, control, freshTenant, ok, REPORTS, upsert, type LogEntry } from './helpers';

interface StatsBody {
  total: number;
  byKind: Record<string, number>;
  byReport: Record<string, number>;
  byAction: Record<string, number>;
  unauthorized: number;
  inFlight: number;
  peakInFlight: number;
  imports: { submitted: number };
  injected: Record<string, number>;
}

const rawReport = (url: string, reference: string) =>
  fetch(`${url}/webservices/Contoso/rest/functions/completereportresult`, {
    method: 'POST',
    headers: { authorization: basic(), 'content-type': 'application/json' },
    body: JSON.stringify({ reference }),
  });

describe('Axxerion emulator: faults and stats', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url, { processingDelayMs: 60_000, clockSkewMs: 0 }));
  after(() => emulator.stop());

  it('answers an injected HTTP error with an HTML page and Retry-After, for the matching calls only, count times', async () => {
    await ok(emulator.url, 'POST', 'faults', {
      rules: [{ fault: 'error', status: 429, reference: REPORTS.changes, count: 2, retryAfterSeconds: 30 }],
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await client.report(REPORTS.changes);
      assert.equal(answer.status, 429);
      assert.equal(answer.headers.get('retry-after'), '30');
      assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    }
    assert.equal((await client.report(REPORTS.rooms)).status, 200, 'other reports are untouched');
    assert.equal((await client.report(REPORTS.changes)).status, 200, 'spent');
    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'error', status: 502, on: 'import' }] });
    assert.equal((await client.importItem('ReservationUpsert', upsert())).status, 502);
    assert.equal((await client.report(REPORTS.rooms)).status, 200);
    assert.equal((await control(emulator.url, 'DELETE', 'faults')).status, 204);
    assert.equal((await client.importItem('ReservationUpsert', upsert())).status, 200);
  });

  it('answers 401 Unauthorized to good credentials on demand', async () => {
    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'unauthorized', count: 1 }] });
    const answer = await client.report(REPORTS.rooms);
    assert.deepEqual([answer.status, answer.text], [401, 'Unauthorized']);
    assert.equal((await client.report(REPORTS.rooms)).status, 200);
  });

  it('does the work, then loses the answer: a dropped connection, an aborted body, or a spoiled 200', async () => {
    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'dropResponse', on: 'import', count: 1 }] });
    await assert.rejects(client.importItem('ReservationUpsert', upsert()));
    const { items } = await ok<{ items: LogEntry[] }>(emulator.url, 'GET', 'imports');
    assert.equal(items.length, 1, 'the item was taken in although the caller got no answer');

    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'abortBody', count: 1 }] });
    const aborted = await rawReport(emulator.url, REPORTS.rooms);
    await assert.rejects(aborted.text());

    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'truncateBody', count: 1 }] });
    const truncated = await client.report(REPORTS.rooms);
    assert.equal(truncated.status, 200);
    assert.equal(truncated.body, undefined, 'not parseable');
    assert.ok(truncated.text.startsWith('{"data":['));

    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'nonJson', count: 1 }] });
    const page = await client.report(REPORTS.rooms);
    assert.equal(page.status, 200);
    assert.match(page.text, /^<!DOCTYPE html>/);

    await ok(emulator.url, 'POST', 'faults', { rules: [{ fault: 'bom', count: 1 }] });
    const bom = await rawReport(emulator.url, REPORTS.rooms);
    const bytes = Buffer.from(await bom.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 5)], [0xef, 0xbb, 0xbf, 0x0d, 0x0a]);
    assert.equal((JSON.parse(bytes.subarray(5).toString('utf8')) as { data: unknown[] }).data.length, 2);
  });

  it('refuses a fault description it does not understand', async () => {
    const answer = await control<{ error: { field: string } }>(emulator.url, 'POST', 'faults', {
      rules: [{ fault: 'explode' }],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.field, 'rules.0.fault');
  });

  it('counts calls by kind, report and action, 401s, injected faults, and the peak in flight', async () => {
    await ok(emulator.url, 'POST', 'faults', {
      latencyMs: 150,
      rules: [{ fault: 'error', status: 503, count: 1, on: 'import' }],
    });
    await Promise.all([
      client.report(REPORTS.rooms),
      client.report(REPORTS.rooms),
      client.report(REPORTS.changes),
      client.importItem('ReservationUpsert', upsert()),
      client.importItem('ReservationCancel', { correlationId: 'c', externalReference: 'x' }),
    ]);
    await axxerion(emulator.url, { authorization: basic('nobody', 'x') }).report(REPORTS.rooms);
    await client.post('update/Reservation/1', {});
    const stats = await ok<StatsBody>(emulator.url, 'GET', 'stats');
    assert.equal(stats.total, 7);
    assert.deepEqual(stats.byKind, { report: 4, import: 2, other: 1 });
    assert.deepEqual(stats.byReport, { [REPORTS.rooms]: 3, [REPORTS.changes]: 1 });
    assert.deepEqual(stats.byAction, { ReservationUpsert: 1, ReservationCancel: 1 });
    assert.equal(stats.unauthorized, 1);
    assert.equal(stats.inFlight, 0);
    assert.equal(stats.peakInFlight, 5);
    assert.equal(stats.injected['503'], 1);
    assert.equal(stats.imports.submitted, 1, 'the faulted import was never taken in');

    await ok(emulator.url, 'POST', 'reset');
    const cleared = await ok<StatsBody>(emulator.url, 'GET', 'stats');
    assert.equal(cleared.total, 0);
    assert.deepEqual(cleared.injected, {});
  });
});
