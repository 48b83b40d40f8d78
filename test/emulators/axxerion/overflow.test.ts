import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { axxerion, basic, freshTenant, ok, REPORTS } from './helpers';

interface Stats {
  rows: { served: number; truncatedCalls: number; abortedCalls: number };
}

describe('Axxerion emulator: no paging (row limit, truncation, dropped connections)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(async () => {
    await freshTenant(emulator.url);
    for (let hour = 8; hour < 13; hour += 1)
      await ok(emulator.url, 'POST', 'reservations', {
        rooms: ['AMS-1.01'],
        subject: `Meeting ${hour}`,
        start: `2026-03-30T${String(hour).padStart(2, '0')}:00`,
        end: `2026-03-30T${String(hour).padStart(2, '0')}:45`,
        requestor: 'ada@contoso.com',
      });
  });
  after(() => emulator.stop());

  it('has a default row limit of 200 and no paging parameter', async () => {
    assert.equal((await ok<{ rowLimit: number }>(emulator.url, 'GET', 'profile')).rowLimit, 200);
    const answer = await client.post<{ data: unknown[] }>('completereportresult', {
      reference: REPORTS.window,
      page: 2,
      pageSize: 1,
      offset: 3,
    });
    assert.equal(answer.body.data.length, 5, 'paging-like fields are ignored');
  });

  it('cuts the rows at the limit silently, in the report order, with nothing in the body saying so', async () => {
    await ok(emulator.url, 'POST', 'profile', { rowLimit: 3 });
    const answer = await client.report(REPORTS.window);
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body), ['data']);
    assert.deepEqual(
      answer.body.data.map((row) => row.Subject),
      ['Meeting 8', 'Meeting 9', 'Meeting 10'],
    );
    assert.equal((await ok<Stats>(emulator.url, 'GET', 'stats')).rows.truncatedCalls, 1);
  });

  it('drops the connection mid-body past the limit in the abort profile', async () => {
    await ok(emulator.url, 'POST', 'profile', { rowLimit: 3, overflow: 'abort' });
    const response = await fetch(`${emulator.url}/webservices/Contoso/rest/functions/completereportresult`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json' },
      body: JSON.stringify({ reference: REPORTS.window }),
    });
    assert.equal(response.status, 200, 'the status line came');
    await assert.rejects(response.text(), 'the body never completes');
    assert.equal(
      (await client.rows(REPORTS.window, ['areaReference'], ['AMS-1.02'])).length,
      0,
      'a small one answers',
    );
    assert.equal((await ok<Stats>(emulator.url, 'GET', 'stats')).rows.abortedCalls, 1);
  });

  it('takes longer the more rows it returns (msPerRow)', async () => {
    await ok(emulator.url, 'POST', 'profile', { msPerRow: 40 });
    const started = Date.now();
    await client.rows(REPORTS.window);
    assert.ok(Date.now() - started >= 190, `5 rows × 40 ms, took ${Date.now() - started} ms`);
  });
});
