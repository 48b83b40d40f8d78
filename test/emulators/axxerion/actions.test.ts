import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import {
  axxerion,
  CALM,
  freshTenant,
  ok,
  processImports,
  REPORTS,
  upsert,
  type LogEntry,
  type ReservationView,
} from './helpers';

const EXT = 'ical-1|2026-03-30T07:00:00Z';

describe('Axxerion emulator: the import actions (ReservationUpsert, ReservationCancel, ReservationItemRemove)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  /** Submits one item, processes the queue, and returns its log entry. */
  const run = async (action: string, payload: unknown): Promise<LogEntry> => {
    const answer = await client.importItem(action, payload);
    await processImports(emulator.url);
    return ok<LogEntry>(emulator.url, 'GET', `imports/${answer.body.id ?? ''}`);
  };
  const byExt = (ref = EXT) => client.rows(REPORTS.byExternalReference, ['externalReference'], [ref]);
  const inRoom = async (room: string) =>
    (await ok<{ items: ReservationView[] }>(emulator.url, 'GET', `reservations?room=${room}`)).items;

  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url, { ...CALM, processingDelayMs: 60_000, statusCase: 'exact' }));
  after(() => emulator.stop());

  it('upserts by external reference: one reservation, items and participants replaced, item ids kept', async () => {
    const created = await run('ReservationUpsert', upsert());
    assert.equal(created.status, 'Processed');
    const updated = await run(
      'ReservationUpsert',
      upsert({
        subject: 'Moved',
        items: [{ areaReference: 'AMS-1.01' }, { areaReference: 'AMS-1.02' }],
        participants: [{ email: 'guest@fabrikam.com', name: 'Guest' }],
      }),
    );
    assert.equal(updated.reservationId, created.reservationId);
    const rows = await byExt();
    assert.deepEqual(
      rows.map((row) => [row['Area reference'], row.Subject]),
      [
        ['AMS-1.01', 'Moved'],
        ['AMS-1.02', 'Moved'],
      ],
    );
    const [view] = await inRoom('AMS-1.02');
    assert.deepEqual(view?.participants, [
      { email: 'guest@fabrikam.com', name: 'Guest', required: true, visitor: true },
    ]);
    const participants = await client.rows(REPORTS.participants, ['reservationId'], [created.reservationId]);
    assert.deepEqual(
      participants.map((row) => [row['E-mail'], row.Required, row.Visitor]),
      [['guest@fabrikam.com', 'Yes', 'Yes']],
    );
    const original = (await client.rows(REPORTS.byId, ['reservationId'], [created.reservationId]))[0];
    assert.equal(original?.['Item ID'], rows[0]?.['Item ID'], 'the kept area kept its item');
  });

  it('updates the first of two reservations sharing an external reference, so a duplicate never heals', async () => {
    for (const start of ['2026-03-30T09:00', '2026-03-31T09:00'])
      await ok(emulator.url, 'POST', 'reservations', {
        rooms: ['AMS-1.01'],
        subject: 'seeded',
        start,
        end: start.replace('09:00', '10:00'),
        requestor: 'ada@contoso.com',
        externalReference: EXT,
      });
    await run('ReservationUpsert', upsert({ subject: 'updated' }));
    assert.deepEqual(
      (await byExt()).map((row) => row.Subject),
      ['updated', 'seeded'],
    );
  });

  it('keeps a cancelled reservation in reports with status Cancelled; cancelling twice only warns', async () => {
    const created = await run('ReservationUpsert', upsert());
    const cancelled = await run('ReservationCancel', { correlationId: 'c1', externalReference: EXT });
    assert.equal(cancelled.status, 'Processed');
    assert.equal((await byExt())[0]?.Status, 'Cancelled');
    const changes = await client.rows(REPORTS.changes, ['updateTime'], ['01-01-2000 00:00']);
    assert.equal(changes[0]?.Status, 'Cancelled');
    const again = await run('ReservationCancel', {
      correlationId: 'c2',
      reservationId: created.reservationId,
    });
    assert.equal(again.status, 'Processed');
    assert.match(again.warning, /already cancelled/);
    const revived = await run('ReservationUpsert', upsert());
    assert.equal(revived.status, 'Failed');
    assert.match(revived.error, /is not in status Confirmed/);
  });

  it('hard-deletes cancelled reservations in the hard-delete profile: gone from every report', async () => {
    await ok(emulator.url, 'POST', 'profile', { cancelMode: 'delete' });
    const created = await run('ReservationUpsert', upsert());
    await run('ReservationCancel', { correlationId: 'c1', externalReference: EXT });
    assert.equal((await byExt()).length, 0);
    assert.equal((await client.rows(REPORTS.changes, ['updateTime'], ['01-01-2000 00:00'])).length, 0);
    assert.equal((await client.rows(REPORTS.byId, ['reservationId'], [created.reservationId])).length, 0);
    assert.equal((await inRoom('AMS-1.01')).length, 0);
    const cancelAgain = await run('ReservationCancel', {
      correlationId: 'c2',
      reservationId: created.reservationId,
    });
    assert.match(cancelAgain.error, /is not known/);
    const recreated = await run('ReservationUpsert', upsert());
    assert.notEqual(
      recreated.reservationId,
      created.reservationId,
      'the same reference makes a new reservation',
    );
  });

  describe('a room already taken', () => {
    beforeEach(() =>
      ok(emulator.url, 'POST', 'reservations', {
        rooms: ['AMS-1.01'],
        subject: 'Taken in Workplace',
        start: '2026-03-30T09:30',
        end: '2026-03-30T11:00',
        requestor: 'bob@contoso.com',
      }),
    );
    const twoRooms = upsert({ items: [{ areaReference: 'AMS-1.01' }, { areaReference: 'AMS-1.02' }] });

    it('fails the whole import item in the log by default, writing nothing (the REST 409)', async () => {
      const entry = await run('ReservationUpsert', twoRooms);
      assert.equal(entry.status, 'Failed');
      assert.match(
        entry.error,
        /Area AMS-1.01 is already reserved from 30-03-2026 09:30 until 30-03-2026 11:00 \(RES-000001\)/,
      );
      assert.equal((await byExt()).length, 0);
    });

    it('stores the item Rejected in the rejectItem profile, with a warning', async () => {
      await ok(emulator.url, 'POST', 'profile', { conflict: 'rejectItem' });
      const entry = await run('ReservationUpsert', twoRooms);
      assert.equal(entry.status, 'Processed');
      assert.match(entry.warning, /already reserved/);
      assert.deepEqual(
        (await byExt()).map((row) => [row['Area reference'], row['Item status']]),
        [
          ['AMS-1.01', 'Rejected'],
          ['AMS-1.02', 'Confirmed'],
        ],
      );
    });

    it('leaves the item out silently in the omitItem profile, and fails when no item is left', async () => {
      await ok(emulator.url, 'POST', 'profile', { conflict: 'omitItem' });
      const entry = await run('ReservationUpsert', twoRooms);
      assert.deepEqual([entry.status, entry.warning], ['Processed', '']);
      assert.deepEqual(
        (await byExt()).map((row) => row['Area reference']),
        ['AMS-1.02'],
      );
      const alone = await run('ReservationUpsert', upsert({ externalReference: 'other' }));
      assert.equal(alone.status, 'Failed');
      assert.match(alone.error, /already reserved/);
    });
  });

  it('removes one item and keeps the reservation; refuses to remove the last one', async () => {
    await run(
      'ReservationUpsert',
      upsert({ items: [{ areaReference: 'AMS-1.01' }, { areaReference: 'AMS-1.02' }] }),
    );
    const removed = await run('ReservationItemRemove', {
      correlationId: 'r1',
      externalReference: EXT,
      areaReference: 'AMS-1.02',
    });
    assert.equal(removed.status, 'Processed');
    assert.deepEqual(
      (await byExt()).map((row) => row['Area reference']),
      ['AMS-1.01'],
    );
    const last = await run('ReservationItemRemove', {
      correlationId: 'r2',
      externalReference: EXT,
      areaReference: 'AMS-1.01',
    });
    assert.match(last.error, /needs at least one item/);
    const absent = await run('ReservationItemRemove', {
      correlationId: 'r3',
      externalReference: EXT,
      areaReference: 'AMS-1.02',
    });
    assert.match(absent.error, /is not an item/);
  });

  it('rejects an unknown requestor by default, and uses the fallback requestor with a warning by profile', async () => {
    const rejected = await run('ReservationUpsert', upsert({ requestorEmail: 'carol@fabrikam.com' }));
    assert.match(rejected.error, /Requestor carol@fabrikam.com is not known/);
    const caseOnly = await run('ReservationUpsert', upsert({ requestorEmail: 'ADA@contoso.com' }));
    assert.equal(caseOnly.status, 'Processed', 'e-mail addresses match without regard to case');
    await ok(emulator.url, 'POST', 'profile', { unknownRequestor: 'fallback' });
    const fallback = await run('ReservationUpsert', upsert({ requestorEmail: 'carol@fabrikam.com' }));
    assert.equal(fallback.status, 'Processed');
    assert.match(fallback.warning, /reservations@contoso.com used/);
    assert.equal((await byExt())[0]?.['Requestor e-mail'], 'reservations@contoso.com');
  });

  it('ignores baseUpdateTime silently by default; checks it against the shown UpdateTime by profile', async () => {
    await run('ReservationUpsert', upsert());
    const stale = await run(
      'ReservationUpsert',
      upsert({ subject: 'blind', baseUpdateTime: '01-01-2000 00:00' }),
    );
    assert.equal(stale.status, 'Processed');
    await ok(emulator.url, 'POST', 'profile', { baseUpdateTime: 'check' });
    const refused = await run(
      'ReservationUpsert',
      upsert({ subject: 'checked', baseUpdateTime: '01-01-2000 00:00' }),
    );
    assert.equal(refused.status, 'Failed');
    assert.match(refused.error, /has been changed by roomsync-api/);
    const shown = (await byExt())[0]?.['Update time'];
    const accepted = await run('ReservationUpsert', upsert({ subject: 'checked', baseUpdateTime: shown }));
    assert.equal(accepted.status, 'Processed');
  });

  it('writes a series as occurrences sharing a series reference, read together and cancelled together', async () => {
    for (const day of ['30', '31']) {
      const start = `2026-03-${day}T09:00:00+02:00`;
      await run(
        'ReservationUpsert',
        upsert({
          externalReference: `ical-s|2026-03-${day}T07:00:00Z`,
          seriesExternalReference: 'ical-s',
          occurrenceOriginalStart: start,
          start,
          end: start.replace('09:00', '10:00'),
        }),
      );
    }
    const series = await client.rows(REPORTS.bySeries, ['seriesExternalReference'], ['ical-s']);
    assert.deepEqual(
      series.map((row) => row['Original start']),
      ['30-03-2026 09:00', '31-03-2026 09:00'],
    );
    const moved = await run(
      'ReservationUpsert',
      upsert({
        externalReference: 'ical-s|2026-03-31T07:00:00Z',
        start: '2026-03-31T14:00:00+02:00',
        end: '2026-03-31T15:00:00+02:00',
      }),
    );
    assert.equal(moved.status, 'Processed');
    const exception = await client.rows(
      REPORTS.byExternalReference,
      ['externalReference'],
      ['ical-s|2026-03-31T07:00:00Z'],
    );
    assert.deepEqual(
      [exception[0]?.From, exception[0]?.['Original start'], exception[0]?.['Series reference']],
      ['31-03-2026 14:00', '31-03-2026 09:00', 'ical-s'],
    );
    const cancelled = await run('ReservationCancel', {
      correlationId: 'cs',
      seriesExternalReference: 'ical-s',
    });
    assert.equal(cancelled.status, 'Processed');
    assert.deepEqual(
      (await client.rows(REPORTS.bySeries, ['seriesExternalReference'], ['ical-s'])).map((row) => row.Status),
      ['Cancelled', 'Cancelled'],
    );
  });
});
