import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { waitFor } from '../../helpers/wait';
import {
  axxerion,
  CALM,
  freshTenant,
  ok,
  processImports,
  REPORTS,
  upsert,
  type ImportBody,
  type LogEntry,
  type ReservationView,
} from './helpers';

interface Queue {
  paused: boolean;
  pending: { id: string }[];
  lost: number;
  duplicated: number;
}

const logEntry = (url: string, id: string) => ok<LogEntry>(url, 'GET', `imports/${id}`);

describe('Axxerion emulator: import items (createupdate/ImportItem)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url, { ...CALM, processingDelayMs: 60_000 }));
  after(() => emulator.stop());

  it('answers 200 with only a log id (not the reservation id) and processes the item later', async () => {
    const answer = await client.importItem('ReservationUpsert', upsert());
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body), ['id']);
    const id = answer.body.id ?? '';
    assert.equal((await logEntry(emulator.url, id)).status, 'Pending');
    assert.equal((await client.rows(REPORTS.byExternalReference)).length, 0, 'not processed yet');
    const [pending] = await client.rows(REPORTS.importLog, ['importItemId'], [id]);
    assert.equal(pending?.Status, 'Pending');
    assert.equal(pending['Reservation ID'], '');

    await processImports(emulator.url);
    const [row] = await client.rows(REPORTS.byExternalReference);
    assert.ok(row);
    assert.notEqual(row['Reservation ID'], id, 'the log id is no reservation id');
    assert.equal((await client.rows(REPORTS.byId, ['reservationId'], [id])).length, 0);
    const [byCorrelation] = await client.rows(
      REPORTS.importLog,
      ['correlationId'],
      [pending['Correlation ID']],
    );
    assert.equal(byCorrelation?.Status, 'Processed');
    assert.equal(byCorrelation['Reservation ID'], row['Reservation ID']);
  });

  it('processes in FIFO order after the processing delay, one at a time, and can be paused', async () => {
    await ok(emulator.url, 'POST', 'profile', { processingDelayMs: 150 });
    await ok(emulator.url, 'POST', 'queue', { paused: true });
    const first = await client.importItem('ReservationUpsert', upsert({ subject: 'first' }));
    const second = await client.importItem('ReservationUpsert', upsert({ subject: 'second' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await ok<Queue>(emulator.url, 'GET', 'queue')).pending.length, 2, 'paused: nothing ran');
    await ok(emulator.url, 'POST', 'queue/process', { count: 1 });
    assert.equal((await logEntry(emulator.url, first.body.id ?? '')).status, 'Processed');
    assert.equal((await logEntry(emulator.url, second.body.id ?? '')).status, 'Pending');
    await ok(emulator.url, 'POST', 'queue', { paused: false });
    const settled = await ok<{ settled: boolean }>(emulator.url, 'POST', 'queue/settle', {
      timeoutMs: 5_000,
    });
    assert.equal(settled.settled, true);
    const rows = await client.rows(REPORTS.byExternalReference);
    assert.deepEqual(
      rows.map((row) => row.Subject),
      ['second'],
      'the later item wins: one reservation, updated in order',
    );
  });

  it('runs due items by itself once their delay has passed on the tenant clock', async () => {
    const answer = await client.importItem('ReservationUpsert', upsert());
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 60_000 });
    await waitFor(
      'the item to be processed',
      async () => (await logEntry(emulator.url, answer.body.id ?? '')).status === 'Processed',
    );
  });

  it('loses an item on demand: answered with an id, Pending for ever, nothing written, no error', async () => {
    await ok(emulator.url, 'POST', 'faults', { imports: { lose: { count: 1 } } });
    const lost = await client.importItem('ReservationUpsert', upsert({ subject: 'lost' }));
    const kept = await client.importItem(
      'ReservationUpsert',
      upsert({ externalReference: 'other', subject: 'kept' }),
    );
    assert.ok(lost.body.id);
    await processImports(emulator.url);
    assert.equal((await logEntry(emulator.url, lost.body.id)).status, 'Pending');
    assert.equal((await logEntry(emulator.url, kept.body.id ?? '')).status, 'Processed');
    assert.deepEqual(
      (await client.rows(REPORTS.byExternalReference)).map((row) => row.Subject),
      ['kept'],
    );
    assert.equal((await ok<Queue>(emulator.url, 'GET', 'queue')).lost, 1);
  });

  it('delivers an item twice on demand, the second time after later items, undoing their change', async () => {
    await ok(emulator.url, 'POST', 'faults', { imports: { duplicate: { count: 1 } } });
    await client.importItem('ReservationUpsert', upsert({ subject: 'v1' }));
    await client.importItem('ReservationUpsert', upsert({ subject: 'v2' }));
    await processImports(emulator.url);
    assert.equal((await ok<Queue>(emulator.url, 'GET', 'queue')).pending.length, 1, 'v1 is queued again');
    assert.equal((await client.rows(REPORTS.byExternalReference))[0]?.Subject, 'v2');
    await processImports(emulator.url);
    assert.equal((await client.rows(REPORTS.byExternalReference))[0]?.Subject, 'v1');
    assert.equal((await ok<Queue>(emulator.url, 'GET', 'queue')).duplicated, 1);
  });

  it('records every malformed item as Failed in the log only, each answered 200 with an id', async () => {
    const raw = (body: Record<string, unknown>) => client.post<ImportBody>('createupdate/ImportItem', body);
    const base = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');
    // MIME-style line breaks, which a lenient decoder would skip.
    const mime = (b64: string) => `${b64.slice(0, 76)}\r\n${b64.slice(76, 152)}\r\n${b64.slice(152)}`;
    const cases: [Promise<{ body: ImportBody }>, RegExp][] = [
      [
        raw({
          datasource: 'roomsync',
          stringValue: 'ReservationUpsert',
          clobMBValue: JSON.stringify(upsert()),
        }),
        /base64/,
      ],
      [
        raw({
          datasource: 'roomsync',
          stringValue: 'ReservationUpsert',
          clobMBValue: mime(base(upsert())),
        }),
        /base64/,
      ],
      [
        raw({
          datasource: 'roomsync',
          stringValue: 'ReservationUpsert',
          clobMBValue: Buffer.from('{"a":').toString('base64'),
        }),
        /base64 JSON/,
      ],
      [
        raw({ datasource: 'HelloID', stringValue: 'ReservationUpsert', clobMBValue: base(upsert()) }),
        /datasource 'HelloID'/,
      ],
      [client.importItem('ReservationCreate', upsert()), /No import logic for action 'ReservationCreate'/],
      [
        client.importItem('ReservationUpsert', upsert({ subject: undefined })),
        /Mandatory field subject is missing/,
      ],
      [client.importItem('ReservationUpsert', upsert({ items: [] })), /Field items is not valid/],
      [
        client.importItem('ReservationUpsert', upsert({ start: '30-03-2026 09:00' })),
        /Start dateformat is not valid/,
      ],
      [
        client.importItem('ReservationUpsert', upsert({ end: '2026-03-30T10:00:00' })),
        /End dateformat is not valid/,
      ],
      [
        client.importItem('ReservationUpsert', upsert({ end: '2026-03-30T08:00:00+02:00' })),
        /End must be after Start/,
      ],
      [
        client.importItem('ReservationUpsert', upsert({ rrule: 'FREQ=DAILY;COUNT=3' })),
        /Recurring reservations cannot be imported/,
      ],
      [
        client.importItem('ReservationUpsert', upsert({ items: [{ areaReference: 'AMS-9.99' }] })),
        /AMS-9.99 is not known/,
      ],
      [client.importItem('ReservationUpsert', upsert({ externalReference: 'x'.repeat(256) })), /exceeds 255/],
      [
        client.importItem('ReservationCancel', { correlationId: 'c', externalReference: 'nope' }),
        /not known/,
      ],
    ];
    for (const [call, message] of cases) {
      const answer = await call;
      assert.deepEqual(Object.keys(answer.body), ['id']);
      await processImports(emulator.url);
      const entry = await logEntry(emulator.url, answer.body.id ?? '');
      assert.equal(entry.status, 'Failed', message.source);
      assert.match(entry.error, message);
    }
    const { items } = await ok<{ items: ReservationView[] }>(emulator.url, 'GET', 'reservations');
    assert.equal(items.length, 0, 'nothing was written');
  });

  it('answers inside the call in the v1-sync profile: errorMessage and response "none", or response and id', async () => {
    await ok(emulator.url, 'POST', 'profile', { preset: 'v1-sync', ...CALM });
    const created = await client.importItem('ReservationUpsert', upsert());
    assert.equal(created.body.response, 'created');
    assert.equal(typeof created.body.id, 'string');
    assert.equal((await client.rows(REPORTS.byExternalReference)).length, 1, 'processed before the answer');
    const updated = await client.importItem('ReservationUpsert', upsert({ subject: 'x'.repeat(120) }));
    assert.equal(updated.body.response, 'updated');
    assert.match(updated.body.warningMessage ?? '', /Subject truncated to 100 characters/);
    const rejected = await client.importItem('ReservationUpsert', upsert({ start: 'tomorrow' }));
    assert.deepEqual(rejected.body, { response: 'none', errorMessage: 'Start dateformat is not valid' });
  });
});
