import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { axxerion, freshTenant, ok, REPORTS, type ReservationView } from './helpers';

/** A booking made on Workplace's screens, visible to reports at once in the calm profile. */
const book = (url: string, overrides: Record<string, unknown> = {}) =>
  ok<ReservationView>(url, 'POST', 'reservations', {
    rooms: ['AMS-1.01'],
    subject: 'Team sync',
    start: '2026-03-30T09:00',
    end: '2026-03-30T10:00',
    timeZone: 'Europe/Amsterdam',
    requestor: 'ada@contoso.com',
    ...overrides,
  });

const WINDOW = ['areaReference', 'startDate', 'endDate'];

describe('Axxerion emulator: reports (completereportresult)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url));
  after(() => emulator.stop());

  it('answers an unknown reference, a length mismatch, an unknown field and an unknown operator with 200 and an errorMessage', async () => {
    const cases: [string, string[] | undefined, unknown[] | undefined, RegExp][] = [
      ['CONTOSO-RS-NOPE', undefined, undefined, /not found/],
      [REPORTS.rooms.toLowerCase(), undefined, undefined, /not found/],
      [REPORTS.window, ['areaReference', 'startDate'], ['AMS-1.01'], /does not match/],
      [REPORTS.byExternalReference, ['ExternalReference'], ['x'], /not defined/],
      [REPORTS.byExternalReference, ['externalReference'], [{ o: 7, v: '' }], /operator/],
    ];
    for (const [reference, fields, values, message] of cases) {
      const answer = await client.report(reference, fields, values);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.data, []);
      assert.match(answer.body.errorMessage ?? '', message);
    }
  });

  it('keys rows by column labels (strings only), which change with the label language and per report', async () => {
    await book(emulator.url);
    const [en] = await client.rows(REPORTS.window);
    assert.ok(en);
    assert.equal(en.Subject, 'Team sync');
    assert.equal(en['Reservation #'], 'RES-000001');
    assert.equal(en.From, '30-03-2026 09:00');
    assert.ok(Object.values(en).every((value) => typeof value === 'string'));
    const [room] = await client.rows(REPORTS.rooms, ['reference'], ['AMS-1.01']);
    assert.deepEqual(
      { capacity: room?.Capacity, reservable: room?.Reservable },
      { capacity: '8', reservable: 'Yes' },
    );

    await ok(emulator.url, 'POST', 'profile', { labels: 'nl' });
    const [nl] = await client.rows(REPORTS.window);
    assert.ok(nl);
    assert.equal(nl.Subject, undefined);
    assert.equal(nl.Onderwerp, 'Team sync');
    assert.equal(nl.Van, '30-03-2026 09:00');
    assert.equal((await client.rows(REPORTS.rooms, ['reference'], ['AMS-1.01']))[0]?.Reserveerbaar, 'Ja');

    await ok(emulator.url, 'POST', 'reports', {
      reference: 'CONTOSO-CUSTOM',
      kind: 'window',
      labels: { subject: 'Omschrijving', from: 'Begintijd' },
    });
    const [custom] = await client.rows('CONTOSO-CUSTOM');
    assert.ok(custom);
    assert.equal(custom.Omschrijving, 'Team sync');
    assert.equal(custom.Begintijd, '30-03-2026 09:00');
    assert.equal(custom.Tot, '30-03-2026 10:00', 'the others stay in the profile language');
    const listed = await ok<{
      items: { reference: string; filterFields: string[]; labels: Record<string, string> }[];
    }>(emulator.url, 'GET', 'reports');
    const described = listed.items.find((report) => report.reference === 'CONTOSO-CUSTOM');
    assert.ok(described);
    assert.deepEqual(described.filterFields, WINDOW);
    assert.equal(described.labels.subject, 'Omschrijving');
  });

  it('compares string filters exactly, and supports the not-empty operator 130', async () => {
    await book(emulator.url, { externalReference: 'Ref-A' });
    await book(emulator.url, { start: '2026-03-30T11:00', end: '2026-03-30T12:00' });
    assert.equal(
      (await client.rows(REPORTS.byExternalReference, ['externalReference'], ['Ref-A'])).length,
      1,
    );
    assert.equal(
      (await client.rows(REPORTS.byExternalReference, ['externalReference'], ['ref-a'])).length,
      0,
    );
    assert.equal(
      (await client.rows(REPORTS.byExternalReference, ['externalReference'], ['Ref-A '])).length,
      0,
    );
    const withRef = await client.rows(
      REPORTS.byExternalReference,
      ['externalReference'],
      [{ o: 130, v: '' }],
    );
    assert.deepEqual(
      withRef.map((row) => row['External reference']),
      ['Ref-A'],
    );
    assert.equal((await client.rows(REPORTS.byExternalReference)).length, 2, 'no filter given, none applied');
  });

  it('takes dates in the tenant format only: another format silently matches nothing, a date alone is midnight', async () => {
    await book(emulator.url);
    const window = (from: string, to: string) => client.rows(REPORTS.window, WINDOW, ['AMS-1.01', from, to]);
    assert.equal((await window('30-03-2026 08:00', '30-03-2026 09:30')).length, 1);
    assert.equal((await window('30-03-2026', '31-03-2026')).length, 1, 'date-only values');
    assert.equal((await window('30-03-2026 10:00', '30-03-2026 11:00')).length, 0, 'the end is exclusive');
    assert.equal((await window('30-03-2026 07:00', '30-03-2026 09:00')).length, 0, 'touching is no overlap');
    for (const wrong of [
      '2026-03-30T08:00:00Z',
      '03/30/2026 08:00 AM',
      '30-3-2026 08:00',
      '30-03-26 08:00',
      '29-03-2026 24:00',
    ]) {
      const answer = await client.report(REPORTS.window, WINDOW, ['AMS-1.01', wrong, '31-03-2026']);
      assert.deepEqual(answer.body, { data: [] }, `${wrong}: no rows and no error`);
    }
    // A date alone is the start of that day, not its end: a window ending "30-03-2026" misses 09:00 that day.
    assert.equal((await window('29-03-2026 00:00', '30-03-2026')).length, 0);
  });

  it('uses the US preset: filters as MM/dd/yyyy hh:mm a, rows as M/d/yy h:mm a, Pacific time', async () => {
    await ok(emulator.url, 'POST', 'profile', { preset: 'us', clockSkewMs: 0, visibilityJitterMs: 0 });
    await book(emulator.url, {
      start: '2026-03-30T09:05',
      end: '2026-03-30T10:00',
      timeZone: 'America/Los_Angeles',
    });
    const rows = await client.rows(REPORTS.window, WINDOW, [
      'AMS-1.01',
      '03/30/2026 12:00 AM',
      '03/31/2026 12:00 AM',
    ]);
    assert.equal(rows[0]?.From, '3/30/26 9:05 AM');
    const lowerCase = await client.rows(REPORTS.window, WINDOW, [
      'AMS-1.01',
      '03/30/2026 12:00 am',
      '03/31/2026 12:00 AM',
    ]);
    assert.equal(lowerCase.length, 0, 'the meridiem as the tenant writes it, or no date');
    const european = await client.rows(REPORTS.window, WINDOW, [
      'AMS-1.01',
      '30-03-2026 00:00',
      '31-03-2026 00:00',
    ]);
    assert.equal(european.length, 0);
  });

  it('writes statuses in mixed case, by row, unless the profile asks for exact case', async () => {
    for (let hour = 9; hour < 13; hour += 1)
      await book(emulator.url, {
        start: `2026-03-30T${String(hour).padStart(2, '0')}:00`,
        end: `2026-03-30T${String(hour).padStart(2, '0')}:30`,
      });
    const statuses = new Set((await client.rows(REPORTS.window)).map((row) => row['Item status']));
    assert.deepEqual([...statuses].sort(), ['Confirmed', 'confirmed']);
    await ok(emulator.url, 'POST', 'profile', { statusCase: 'exact' });
    assert.deepEqual(
      new Set((await client.rows(REPORTS.window)).map((row) => row['Item status'])),
      new Set(['Confirmed']),
    );
  });
});
