import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import {
  axxerion,
  control,
  freshTenant,
  ok,
  processImports,
  REPORTS,
  upsert,
  type ReservationView,
} from './helpers';

const booking = (overrides: Record<string, unknown> = {}) => ({
  rooms: ['AMS-1.01'],
  subject: 'Made in Workplace',
  start: '2026-03-30T09:00',
  end: '2026-03-30T10:00',
  timeZone: 'Europe/Amsterdam',
  requestor: 'ada@contoso.com',
  participants: [
    { email: 'bob@contoso.com' },
    { email: 'guest@fabrikam.com', name: 'Guest', required: false },
  ],
  ...overrides,
});

describe('Axxerion emulator: control API (Workplace screens, another writer)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url));
  after(() => emulator.stop());

  it('adds rooms (409 for a reference that exists) and lists them', async () => {
    const again = await control(emulator.url, 'POST', 'rooms', { reference: 'AMS-1.01', name: 'Again' });
    assert.equal(again.status, 409);
    const bad = await control<{ error: { field: string } }>(emulator.url, 'POST', 'rooms', {
      reference: 'X',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'name');
    const closed = await ok<{ id: string }>(emulator.url, 'POST', 'rooms', {
      reference: 'AMS-0.01',
      name: 'Storage',
      reservable: false,
    });
    assert.match(closed.id, /^\d{16}$/);
    const { items } = await ok<{ items: { reference: string }[] }>(emulator.url, 'GET', 'rooms');
    assert.deepEqual(
      items.map((room) => room.reference),
      ['AMS-1.01', 'AMS-1.02', 'AMS-0.01'],
    );
    const refused = await control(emulator.url, 'POST', 'reservations', booking({ rooms: ['AMS-0.01'] }));
    assert.equal(refused.status, 400);
  });

  it('books as a person would: a wall-clock time in the zone, visitors for unknown people, 409 for a room taken', async () => {
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking());
    assert.equal(created.start, '2026-03-30T09:00:00.000+02:00');
    assert.equal(created.updatedBy, 'ada@contoso.com');
    assert.deepEqual(
      created.participants.map((p) => [p.email, p.visitor]),
      [
        ['bob@contoso.com', false],
        ['guest@fabrikam.com', true],
      ],
    );
    const taken = await control<{ error: { code: string } }>(
      emulator.url,
      'POST',
      'reservations',
      booking({ start: '2026-03-30T09:30', end: '2026-03-30T11:00' }),
    );
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'room_taken');
    const [row] = await client.rows(REPORTS.window);
    assert.deepEqual(
      [row?.From, row?.['Requestor e-mail'], row?.['External reference']],
      ['30-03-2026 09:00', 'ada@contoso.com', ''],
    );
  });

  it('shows what Workplace holds for a room, import writes included once processed', async () => {
    await ok(emulator.url, 'POST', 'reservations', booking());
    await ok(emulator.url, 'POST', 'reservations', booking({ rooms: ['AMS-1.02'] }));
    await ok(emulator.url, 'POST', 'queue', { paused: true });
    await client.importItem(
      'ReservationUpsert',
      upsert({ start: '2026-03-30T11:00:00+02:00', end: '2026-03-30T12:00:00+02:00' }),
    );
    const list = async () =>
      (await ok<{ items: ReservationView[] }>(emulator.url, 'GET', 'reservations?room=AMS-1.01')).items;
    assert.equal((await list()).length, 1, 'a queued item is not in Workplace yet');
    await processImports(emulator.url);
    assert.deepEqual(
      (await list()).map((r) => r.subject),
      ['Made in Workplace', 'Design review'],
    );
    const byRef = await ok<{ items: ReservationView[] }>(
      emulator.url,
      'GET',
      `reservations?externalReference=${encodeURIComponent('ical-1|2026-03-30T07:00:00Z')}`,
    );
    assert.equal(byRef.items.length, 1);
  });

  it('lets another writer edit and cancel: its changes carry its name and show in the changes report', async () => {
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking());
    const moved = await ok<ReservationView>(emulator.url, 'PATCH', `reservations/${created.id}`, {
      start: '2026-03-30T13:00',
      end: '2026-03-30T14:30',
      rooms: ['AMS-1.02'],
      updatedBy: 'SpacewellRouter',
    });
    assert.equal(moved.end, '2026-03-30T14:30:00.000+02:00');
    assert.deepEqual(
      moved.items.map((i) => i.areaReference),
      ['AMS-1.02'],
    );
    const [row] = await client.rows(
      REPORTS.changes,
      ['updateTime', 'areaReference'],
      ['01-01-2000 00:00', 'AMS-1.02'],
    );
    assert.deepEqual([row?.['Updated by'], row?.From], ['SpacewellRouter', '30-03-2026 13:00']);
    assert.equal((await control(emulator.url, 'PATCH', 'reservations/404', { subject: 'x' })).status, 404);

    assert.equal(
      (await control(emulator.url, 'DELETE', `reservations/${created.id}?by=carol@contoso.com`)).status,
      204,
    );
    const cancelled = await ok<ReservationView>(emulator.url, 'GET', `reservations/${created.id}`);
    assert.deepEqual([cancelled.status, cancelled.updatedBy], ['Cancelled', 'carol@contoso.com']);
    assert.equal(
      (await control(emulator.url, 'PATCH', `reservations/${created.id}`, { subject: 'x' })).status,
      409,
    );
  });

  it('runs a background writer on chosen rooms, or one edit at a time', async () => {
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking());
    const step = await ok<{ edit: { reservationId: string; action: string } }>(
      emulator.url,
      'POST',
      'writer/step',
      {
        rooms: ['AMS-1.01'],
        actions: ['retitle'],
        by: 'colleague@contoso.com',
      },
    );
    assert.deepEqual(step.edit, { reservationId: created.id, action: 'retitle' });
    const edited = await ok<ReservationView>(emulator.url, 'GET', `reservations/${created.id}`);
    assert.deepEqual(
      [edited.subject, edited.updatedBy],
      ['Made in Workplace (edited)', 'colleague@contoso.com'],
    );

    await ok(emulator.url, 'POST', 'writer', { rooms: ['AMS-1.01'], everyMs: 20, actions: ['cancel'] });
    const deadline = Date.now() + 2_000;
    let status = '';
    while (Date.now() < deadline && status !== 'Cancelled') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await ok<ReservationView>(emulator.url, 'GET', `reservations/${created.id}`)).status;
    }
    assert.equal(status, 'Cancelled');
    assert.equal((await control(emulator.url, 'DELETE', 'writer')).status, 204);
    const { edits } = await ok<{ edits: { action: string }[] }>(emulator.url, 'GET', 'writer');
    assert.deepEqual(
      edits.map((edit) => edit.action),
      ['retitle', 'cancel'],
    );
  });

  it('answers unknown control routes with 404 and wrong methods with 405', async () => {
    assert.equal((await control(emulator.url, 'GET', 'nothing')).status, 404);
    assert.equal((await control(emulator.url, 'PUT', 'rooms')).status, 405);
  });
});
