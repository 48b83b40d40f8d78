import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, booking, control, seedRooms, type ErrorBody, type ReservationBody } from './helpers';
import { assertMatches } from './schema';

describe('Workplace emulator: reservations', () => {
  let emulator: WorkplaceEmulator;
  let client: ReturnType<typeof api>;
  before(async () => {
    emulator = await startWorkplaceEmulator();
    client = api(emulator);
  });
  beforeEach(async () => {
    emulator.reset();
    await seedRooms(emulator);
  });
  after(() => emulator.stop());

  it('creates, reads, replaces and cancels with a version that moves on every change', async () => {
    const created = await client.json<ReservationBody>(
      'POST',
      '/reservations',
      booking({ externalRef: 'ical-1' }),
    );
    assert.equal(created.status, 201);
    const r = created.body;
    assert.equal(r.version, 1);
    assert.equal(r.source, 'workplace');
    assert.equal(r.externalRef, 'ical-1');
    assert.equal(r.cancelled, false);
    assert.deepEqual(r.lines, [{ roomId: 'room-1', status: 'confirmed' }]);
    assert.match(r.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(r.updatedAt, r.createdAt);

    const fetched = await client.json<ReservationBody>('GET', `/reservations/${r.id}`);
    assert.deepEqual(fetched.body, r);
    assertMatches('Reservation', r);

    const replaced = await client.json<ReservationBody>(
      'PUT',
      `/reservations/${r.id}`,
      booking({ subject: 'Moved', start: '2026-03-30T11:00:00', end: '2026-03-30T12:00:00' }),
      { 'if-match': '1' },
    );
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.version, 2);
    assert.equal(replaced.body.subject, 'Moved');
    assert.equal(replaced.body.createdAt, r.createdAt);
    assert.ok(replaced.body.updatedAt > r.updatedAt);
    // externalRef left out of the replace keeps its value.
    assert.equal(replaced.body.externalRef, 'ical-1');

    const stale = await client.json<ErrorBody>('PUT', `/reservations/${r.id}`, booking(), {
      'if-match': '1',
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'stale');
    const staleDelete = await client.call('DELETE', `/reservations/${r.id}`, undefined, { 'if-match': '1' });
    assert.equal(staleDelete.status, 412);

    assert.equal(
      (await client.call('DELETE', `/reservations/${r.id}`, undefined, { 'if-match': '2' })).status,
      204,
    );
    const cancelled = await client.json<ReservationBody>('GET', `/reservations/${r.id}`);
    assert.equal(cancelled.body.cancelled, true);
    assert.equal(cancelled.body.version, 3);
    assertMatches('Reservation', cancelled.body);
    const missing = await client.json<unknown>('GET', '/reservations/r-404');
    assertMatches('Error', missing.body);
    // Cancelling again is answered the same way and changes nothing.
    assert.equal((await client.call('DELETE', `/reservations/${r.id}`)).status, 204);
    assert.equal((await client.json<ReservationBody>('GET', `/reservations/${r.id}`)).body.version, 3);
  });

  it('returns every field of a full reservation as the document defines it', async () => {
    const full = booking({
      responsible: { email: 'ann@contoso.com', name: 'Ann' },
      participants: [{ email: 'bob@contoso.com', name: 'Bob' }],
      lines: [{ roomId: 'room-1', status: 'confirmed' }, { roomId: 'room-2' }],
      recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10' },
      exceptions: [
        { originalStart: '2026-04-06T09:00:00', cancelled: true },
        {
          originalStart: '2026-04-13T09:00:00',
          start: '2026-04-13T11:00:00',
          end: '2026-04-13T12:00:00',
          subject: 'moved',
        },
      ],
      source: 'exchange',
      externalRef: null,
    });
    const created = await client.json<ReservationBody & Record<string, unknown>>(
      'POST',
      '/reservations',
      full,
    );
    assert.equal(created.status, 201);
    assertMatches('Reservation', created.body);
    assert.deepEqual(created.body.participants, [{ email: 'bob@contoso.com', name: 'Bob', required: true }]);
    assert.equal(created.body.source, 'exchange');
    assert.deepEqual(created.body.recurrence, full.recurrence);
    assert.deepEqual(created.body.exceptions, full.exceptions);
    const list = await client.json<{ items: unknown[]; nextCursor: string | null }>('GET', '/reservations');
    assert.equal(list.body.nextCursor, null);
    const rooms = await client.json<{ items: unknown[] }>('GET', '/rooms');
    for (const room of rooms.body.items) assertMatches('Room', room);
  });

  it('answers 404 not_found for an unknown reservation', async () => {
    const missing = await client.json<ErrorBody>('GET', '/reservations/r-404');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    assert.equal(
      (await client.call('PUT', '/reservations/r-404', booking(), { 'if-match': '1' })).status,
      404,
    );
    assert.equal((await client.call('DELETE', '/reservations/r-404')).status, 404);
  });

  it('returns the first reservation for a repeated Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'create-1' };
    const first = await client.json<ReservationBody>('POST', '/reservations', booking(), key);
    const again = await client.json<ReservationBody>('POST', '/reservations', booking(), key);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    const other = await client.json<ReservationBody>(
      'POST',
      '/reservations',
      booking({ lines: [{ roomId: 'room-2' }] }),
      { 'idempotency-key': 'create-2' },
    );
    assert.notEqual(other.body.id, first.body.id);
  });

  it('makes a create whose response was lost safe to retry with the same key', async () => {
    await control(emulator, 'faults', 'POST', { dropResponse: [{ route: 'POST /reservations', count: 1 }] });
    const key = { 'idempotency-key': 'lost-1' };
    await assert.rejects(client.call('POST', '/reservations', booking(), key));
    const retried = await client.json<ReservationBody>('POST', '/reservations', booking(), key);
    assert.equal(retried.status, 201);
    const list = await client.json<{ items: ReservationBody[] }>('GET', '/reservations');
    assert.deepEqual(
      list.body.items.map((r) => r.id),
      [retried.body.id],
    );
  });

  it('declines one room and keeps the reservation for the others', async () => {
    const created = await client.json<ReservationBody>(
      'POST',
      '/reservations',
      booking({ lines: [{ roomId: 'room-1' }, { roomId: 'room-2' }] }),
    );
    const id = created.body.id;
    const declined = await client.json<ReservationBody>('POST', `/reservations/${id}/lines/room-2/decline`, {
      reason: 'maintenance',
    });
    assert.equal(declined.status, 200);
    assert.equal(declined.body.version, 2);
    assert.deepEqual(declined.body.lines, [
      { roomId: 'room-1', status: 'confirmed' },
      { roomId: 'room-2', status: 'declined' },
    ]);
    assert.equal(declined.body.cancelled, false);
    // The declined room is free again.
    const taker = await client.call('POST', '/reservations', booking({ lines: [{ roomId: 'room-2' }] }));
    assert.equal(taker.status, 201);
    assert.equal((await client.call('POST', `/reservations/${id}/lines/room-9/decline`)).status, 404);
    assert.equal((await client.call('POST', '/reservations/r-404/lines/room-1/decline')).status, 404);
  });
});
