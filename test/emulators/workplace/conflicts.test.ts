import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, booking, seedRooms, type ErrorBody, type ReservationBody } from './helpers';

// Mondays 09:00-10:00 Brussels from 30 March 2026; the third is 13 April.
const weekly = booking({ recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10' } });
const onThirdMonday = booking({ start: '2026-04-13T09:30:00', end: '2026-04-13T10:30:00' });

describe('Workplace emulator: room conflicts', () => {
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

  it('refuses a single reservation overlapping another in the same room with 409 naming both', async () => {
    const first = await client.json<ReservationBody>('POST', '/reservations', booking());
    const clash = await client.json<ErrorBody>(
      'POST',
      '/reservations',
      booking({ start: '2026-03-30T09:59:00', end: '2026-03-30T11:00:00' }),
    );
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'room_conflict');
    assert.match(clash.body.error.message, /room-1/);
    assert.ok(clash.body.error.message.includes(first.body.id));
    // Back to back is no clash; another room is no clash.
    assert.equal(
      (
        await client.call(
          'POST',
          '/reservations',
          booking({ start: '2026-03-30T10:00:00', end: '2026-03-30T11:00:00' }),
        )
      ).status,
      201,
    );
    assert.equal(
      (await client.call('POST', '/reservations', booking({ lines: [{ roomId: 'room-2' }] }))).status,
      201,
    );
  });

  it('does not count a reservation against itself on replace, nor a cancelled one', async () => {
    const first = await client.json<ReservationBody>('POST', '/reservations', booking());
    const moved = await client.call(
      'PUT',
      `/reservations/${first.body.id}`,
      booking({ end: '2026-03-30T10:30:00' }),
      { 'if-match': '1' },
    );
    assert.equal(moved.status, 200);
    assert.equal((await client.call('DELETE', `/reservations/${first.body.id}`)).status, 204);
    assert.equal((await client.call('POST', '/reservations', booking())).status, 201);
  });

  it('finds a clash on the third occurrence of a weekly series, either way round', async () => {
    const series = await client.json<ReservationBody>('POST', '/reservations', weekly);
    assert.equal(series.status, 201);
    const single = await client.json<ErrorBody>('POST', '/reservations', onThirdMonday);
    assert.equal(single.status, 409);
    assert.ok(single.body.error.message.includes(series.body.id));
    // Tuesday is free.
    assert.equal(
      (
        await client.call(
          'POST',
          '/reservations',
          booking({ start: '2026-04-14T09:00:00', end: '2026-04-14T10:00:00' }),
        )
      ).status,
      201,
    );

    emulator.reset();
    await seedRooms(emulator);
    const before = await client.json<ReservationBody>('POST', '/reservations', onThirdMonday);
    const late = await client.json<ErrorBody>('POST', '/reservations', weekly);
    assert.equal(late.status, 409);
    assert.ok(late.body.error.message.includes(before.body.id));
  });

  it('frees a cancelled occurrence and occupies a moved one at its new time', async () => {
    const exceptions = [
      { originalStart: '2026-04-13T09:00:00', cancelled: true },
      { originalStart: '2026-04-20T09:00:00', start: '2026-04-20T14:00:00', end: '2026-04-20T15:00:00' },
    ];
    const series = await client.json<ReservationBody>('POST', '/reservations', { ...weekly, exceptions });
    assert.equal(series.status, 201);
    assert.deepEqual(series.body.exceptions, exceptions);
    assert.equal((await client.call('POST', '/reservations', onThirdMonday)).status, 201);
    assert.equal(
      (
        await client.call(
          'POST',
          '/reservations',
          booking({ start: '2026-04-20T09:00:00', end: '2026-04-20T10:00:00' }),
        )
      ).status,
      201,
    );
    assert.equal(
      (
        await client.call(
          'POST',
          '/reservations',
          booking({ start: '2026-04-20T14:30:00', end: '2026-04-20T15:30:00' }),
        )
      ).status,
      409,
    );
  });

  it('keeps the wall-clock time of a series across a daylight-saving change', async () => {
    // 23 March 2026 is before, 30 March after the switch to summer time in Brussels.
    await client.call(
      'POST',
      '/reservations',
      booking({
        start: '2026-03-23T09:00:00',
        end: '2026-03-23T10:00:00',
        recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' },
      }),
    );
    const sameLocal = await client.call('POST', '/reservations', booking({ lines: [{ roomId: 'room-1' }] }));
    assert.equal(sameLocal.status, 409);
    const hourLater = await client.call(
      'POST',
      '/reservations',
      booking({ start: '2026-03-30T10:00:00', end: '2026-03-30T11:00:00' }),
    );
    assert.equal(hourLater.status, 201);
  });

  it('ignores declined lines', async () => {
    const first = await client.json<ReservationBody>('POST', '/reservations', booking());
    await client.call('POST', `/reservations/${first.body.id}/lines/room-1/decline`);
    assert.equal((await client.call('POST', '/reservations', booking())).status, 201);
  });
});
