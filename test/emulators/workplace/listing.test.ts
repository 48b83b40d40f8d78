import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, booking, seedRooms, type ErrorBody, type ReservationBody } from './helpers';

interface Page {
  items: ReservationBody[];
  nextCursor: string | null;
}

/** A reservation on day `n` of April 2026 in room-1, 09:00-10:00 Brussels. */
const onDay = (n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const day = String(n).padStart(2, '0');
  return booking({ start: `2026-04-${day}T09:00:00`, end: `2026-04-${day}T10:00:00`, ...overrides });
};

describe('Workplace emulator: listing reservations', () => {
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

  const create = async (body: Record<string, unknown>): Promise<ReservationBody> => {
    const response = await client.json<ReservationBody>('POST', '/reservations', body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  };

  const everyPage = async (query: string): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let pages = 0;
    let next: string | null = `/reservations?${query}`;
    while (next !== null) {
      const page: { status: number; body: Page } = await client.json<Page>('GET', next);
      assert.equal(page.status, 200);
      pages += 1;
      ids.push(...page.body.items.map((r) => r.id));
      next =
        page.body.nextCursor === null
          ? null
          : `/reservations?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`;
    }
    return { ids, pages };
  };

  it('pages changes since an instant, oldest change first, cancelled ones included', async () => {
    const early = await create(onDay(1));
    const since = early.updatedAt;
    const made: ReservationBody[] = [];
    for (let day = 2; day <= 6; day += 1) made.push(await create(onDay(day)));
    // Changing the first of them moves it to the end of the order.
    const [changed, , cancelled] = made as [ReservationBody, ReservationBody, ReservationBody];
    await client.call('PUT', `/reservations/${changed.id}`, onDay(2, { subject: 'changed' }), {
      'if-match': '1',
    });
    await client.call('DELETE', `/reservations/${cancelled.id}`);

    const { ids, pages } = await everyPage(`changedSince=${encodeURIComponent(since)}&limit=2`);
    assert.equal(pages, 3);
    assert.deepEqual(ids, [made[1]?.id, made[3]?.id, made[4]?.id, changed.id, cancelled.id]);
    const last = await client.json<ReservationBody>('GET', `/reservations/${cancelled.id}`);
    assert.equal(last.body.cancelled, true);

    // Without changedSince the cancelled one is left out.
    const all = await everyPage('limit=2');
    assert.equal(all.ids.length, 5);
    assert.ok(!all.ids.includes(cancelled.id));
  });

  it('filters by room and by a window, matching a series by any of its occurrences', async () => {
    const single = await create(onDay(1));
    const other = await create(onDay(1, { lines: [{ roomId: 'room-2' }] }));
    const series = await create(onDay(6, { recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' } }));
    const byRoom = await client.json<Page>('GET', '/reservations?roomId=room-2');
    assert.deepEqual(
      byRoom.body.items.map((r) => r.id),
      [other.id],
    );
    // 20 April is the series' third occurrence (07:00Z-08:00Z, summer time in Brussels).
    const window = await client.json<Page>(
      'GET',
      '/reservations?from=2026-04-20T07:30:00Z&to=2026-04-20T07:45:00Z',
    );
    assert.deepEqual(
      window.body.items.map((r) => r.id),
      [series.id],
    );
    const firstDay = await client.json<Page>(
      'GET',
      '/reservations?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
    );
    assert.deepEqual(firstDay.body.items.map((r) => r.id).sort(), [single.id, other.id].sort());
    const ended = await client.json<Page>(
      'GET',
      '/reservations?from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z',
    );
    assert.deepEqual(ended.body.items, [], 'a reservation ending at from does not overlap');
  });

  it('refuses a cursor it did not issue', async () => {
    const response = await client.json<ErrorBody>('GET', '/reservations?cursor=bogus');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.field, 'cursor');
  });
});
