import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, booking, seedRooms, type ErrorBody, type ReservationBody } from './helpers';

describe('Workplace emulator: requests checked against docs/workplace-api.yaml', () => {
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

  const refused = async (body: unknown, field: string, headers?: Record<string, string>): Promise<void> => {
    const response = await client.json<ErrorBody>('POST', '/reservations', body, headers);
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body.error.code, 'invalid');
    assert.equal(response.body.error.field, field, response.body.error.message);
  };

  it('names the field of a body the document forbids', async () => {
    const { lines: _lines, ...withoutLines } = booking();
    await refused(withoutLines, 'lines');
    await refused(booking({ lines: [] }), 'lines');
    await refused(booking({ lines: [{}] }), 'lines.0.roomId');
    await refused(booking({ colour: 'red' }), 'colour');
    await refused(booking({ start: '2026-03-30 09:00' }), 'start');
    await refused(booking({ start: '2026-03-30T09:00:00Z' }), 'start');
    await refused(booking({ participants: [{ email: 'not an address' }] }), 'participants.0.email');
    await refused(booking({ recurrence: { rrule: 'FREQ=WEEKLY', until: 'x' } }), 'recurrence.until');
    await refused(booking(), 'Idempotency-Key', { 'idempotency-key': 'x'.repeat(201) });
  });

  it('checks what the schema cannot: rooms, zone, order of times, the RRULE', async () => {
    await refused(booking({ lines: [{ roomId: 'room-1' }, { roomId: 'room-9' }] }), 'lines.1.roomId');
    await refused(booking({ timeZone: 'Mars/Olympus' }), 'timeZone');
    await refused(booking({ end: '2026-03-30T08:00:00' }), 'end');
    await refused(booking({ recurrence: { rrule: 'FREQ=SOMETIMES' } }), 'recurrence.rrule');
    await refused(booking({ recurrence: { rrule: 'BYDAY=MO' } }), 'recurrence.rrule');
  });

  it('refuses a PUT without If-Match, a bad query parameter and a body that is not JSON', async () => {
    const created = await client.json<ReservationBody>('POST', '/reservations', booking());
    const put = await client.json<ErrorBody>('PUT', `/reservations/${created.body.id}`, booking());
    assert.equal(put.status, 400);
    assert.equal(put.body.error.field, 'If-Match');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['changedSince=yesterday', 'changedSince'],
    ]) {
      const list = await client.json<ErrorBody>('GET', `/reservations?${query}`);
      assert.equal(list.status, 400, query);
      assert.equal(list.body.error.field, field);
    }
    const garbled = await client.call('POST', '/reservations', undefined, {
      'content-type': 'application/json',
    });
    assert.equal(garbled.status, 400);
  });
});
