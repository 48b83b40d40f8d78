import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { axxerion, basic, freshTenant, ok, REPORTS, type ReportBody } from './helpers';

describe('Axxerion emulator: addressing and authentication', () => {
  let emulator: AxxerionEmulator;
  before(async () => {
    emulator = await startAxxerionEmulator();
  });
  beforeEach(() => freshTenant(emulator.url));
  after(() => emulator.stop());

  it('serves the organization in the path case-sensitively; a wrong one gets a 200 login page, or 404 by profile', async () => {
    assert.equal((await axxerion(emulator.url).report(REPORTS.rooms)).status, 200);
    const wrongCase = await axxerion(emulator.url, { org: 'contoso' }).report(REPORTS.rooms);
    assert.equal(wrongCase.status, 200);
    assert.match(wrongCase.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(wrongCase.body, undefined, 'not JSON');
    await ok(emulator.url, 'POST', 'profile', { unknownOrg: 'notFound' });
    const notFound = await axxerion(emulator.url, { org: 'CONTOSO' }).report(REPORTS.rooms);
    assert.equal(notFound.status, 404);
    assert.match(notFound.headers.get('content-type') ?? '', /^text\/html/);
  });

  it('takes HTTP Basic only, with the user name and password exact; a failure is 401 text "Unauthorized"', async () => {
    for (const authorization of [
      '',
      basic('Roomsync-api'),
      basic(undefined, 'wrong'),
      'Bearer axxerion-dev-password',
    ]) {
      const answer = await axxerion(emulator.url, { authorization }).report(REPORTS.rooms);
      assert.equal(answer.status, 401, authorization);
      assert.equal(answer.text, 'Unauthorized');
      assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    }
  });

  it('locks the user after 5 failed logins, so even the right password gets 401 until the lock ends', async () => {
    const wrong = axxerion(emulator.url, { authorization: basic(undefined, 'wrong') });
    for (let attempt = 0; attempt < 5; attempt += 1)
      assert.equal((await wrong.report(REPORTS.rooms)).status, 401);
    assert.equal((await axxerion(emulator.url).report(REPORTS.rooms)).status, 401, 'locked');
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 15 * 60_000 });
    assert.equal((await axxerion(emulator.url).report(REPORTS.rooms)).status, 200, 'the lock has ended');

    await ok(emulator.url, 'POST', 'profile', { lockout: null });
    for (let attempt = 0; attempt < 6; attempt += 1) await wrong.report(REPORTS.rooms);
    assert.equal(
      (await axxerion(emulator.url).report(REPORTS.rooms)).status,
      200,
      'no lockout in this profile',
    );
  });

  it('reads a body sent as text/plain holding JSON, as S3 sends it', async () => {
    const answer = await axxerion(emulator.url).post<ReportBody>(
      'completereportresult',
      JSON.stringify({ reference: REPORTS.rooms }),
      { 'content-type': 'text/plain' },
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.data.length, 2);
  });

  it('answers 200 with an errorMessage for an unknown function, a GET, or a body that is not JSON', async () => {
    const client = axxerion(emulator.url);
    const unknown = await client.post<{ errorMessage: string }>('update/Reservation/1', {});
    assert.equal(unknown.status, 200);
    assert.match(unknown.body.errorMessage, /Unknown function/);
    const get = await fetch(`${emulator.url}/webservices/Contoso/rest/functions/completereportresult`, {
      headers: { authorization: basic() },
    });
    assert.equal(get.status, 200);
    assert.match(((await get.json()) as { errorMessage: string }).errorMessage, /requires POST/);
    const garbage = await client.post<ReportBody>('completereportresult', '{"reference":');
    assert.equal(garbage.status, 200);
    assert.deepEqual(garbage.body.data, []);
    assert.equal(typeof garbage.body.errorMessage, 'string');
    const noImport = await client.post<{ response: string; errorMessage: string }>(
      'createupdate/ImportItem',
      '[1]',
    );
    assert.deepEqual(noImport.body, { response: 'none', errorMessage: 'Cannot create new object' });
  });
});
