import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { Stale } from '../../shared/errors';
import { createStorageClients } from '../../shared/storage';
import { LinkRepository, createStore, type LinkRecord, type Store } from '../../shared/store';

const ROOM = 'Room.Alpha@contoso.com';
/** Graph ids hold characters Table keys forbid. */
const EVENT_ID = 'AAMkAGI2TG93AAA=/+x?#\\';

const link = (overrides: Partial<LinkRecord> = {}): LinkRecord => ({
  id: LinkRepository.newId(),
  origin: 'exchange',
  organizerRoom: null,
  reservationId: 'r-1',
  iCalUId: '040000008200E00074C5B7101A82E008',
  copies: [{ room: 'room.alpha@contoso.com', eventId: EVENT_ID, changeKey: 'ck1' }],
  exchangeFingerprint: 'fp-e',
  workplaceFingerprint: 'fp-w',
  workplaceVersion: 1,
  updatedAt: '2026-11-25T10:00:00Z',
  ...overrides,
});

describe('store: Table repositories on Azurite', () => {
  let azurite: RunningAzurite;
  let store: Store;
  before(async () => {
    azurite = await startAzurite();
    store = createStore(
      createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString })),
    );
    await store.ensure();
    await store.ensure(); // idempotent
  });
  after(async () => {
    await azurite.stop();
  });

  it('registers a room once however often it is registered, whatever the case of its address', async () => {
    const room = {
      email: ROOM,
      workplaceRoomId: 'wp-1',
      displayName: 'Room Alpha',
      timeZone: 'Europe/Brussels',
      registeredAt: '2026-11-25T10:00:00Z',
    };
    await store.rooms.save(room);
    await store.rooms.save(room);
    assert.deepEqual(
      (await store.rooms.list()).map((r) => r.email),
      ['room.alpha@contoso.com'],
    );
    assert.equal((await store.rooms.get('room.alpha@CONTOSO.com'))?.email, 'room.alpha@contoso.com');
    await store.rooms.remove(ROOM);
    assert.equal(await store.rooms.get(ROOM), undefined);
  });

  it('finds a link by event (ids with / + ? # \\), by iCalUId and by reservation id', async () => {
    const record = link();
    await store.links.create(record);
    assert.equal((await store.links.byEvent(ROOM, EVENT_ID))?.value.id, record.id);
    assert.equal((await store.links.byICalUId(record.iCalUId ?? ''))?.value.id, record.id);
    assert.equal((await store.links.byReservation('r-1'))?.value.id, record.id);
    assert.equal(await store.links.byEvent(ROOM, 'other'), undefined);
    await store.links.delete(record);
    assert.equal(await store.links.byReservation('r-1'), undefined);
    assert.equal(await store.links.get(record.id), undefined);
  });

  it("lists a room's copies from its own partition, and saves a new link with the etag it was written with", async () => {
    const alpha = link({ reservationId: 'r-a', iCalUId: 'ical-a' });
    const both = link({
      reservationId: 'r-ab',
      iCalUId: 'ical-ab',
      copies: [
        { room: 'room.beta@contoso.com', eventId: 'beta-1', changeKey: 'ck' },
        { room: 'room.alpha@contoso.com', eventId: 'alpha-2', changeKey: 'ck' },
      ],
    });
    const etag = await store.links.create(alpha);
    await store.links.create(both);
    assert.deepEqual(
      (await store.links.copiesInRoom(ROOM)).map((c) => c.eventId).sort(),
      [EVENT_ID, 'alpha-2'].sort(),
    );
    assert.deepEqual(
      (await store.links.copiesInRoom('room.beta@contoso.com')).map((c) => c.linkId),
      [both.id],
    );
    await store.links.save({ ...alpha, exchangeFingerprint: 'fp-e2' }, etag);
    await store.links.delete(alpha);
    await store.links.delete(both);
    assert.deepEqual(await store.links.copiesInRoom('room.beta@contoso.com'), []);
  });

  it('guards a link with its ETag: the worker that loses the race gets Stale', async () => {
    const record = link({ reservationId: 'r-2', iCalUId: null });
    const etag = await store.links.create(record);
    await store.links.save({ ...record, workplaceVersion: 2 }, etag);
    await assert.rejects(store.links.save({ ...record, workplaceVersion: 3 }, etag), Stale);
    assert.equal((await store.links.get(record.id))?.value.workplaceVersion, 2);
  });

  it('lets a claim whose link was never written be taken over once it is stale', async () => {
    const claimedAt = new Date('2026-11-25T10:00:00Z');
    assert.equal(await store.links.claimICalUId('meeting-2', 'dead-worker', claimedAt), 'dead-worker');
    const soon = new Date(claimedAt.getTime() + 30_000);
    assert.equal(
      await store.links.claimICalUId('meeting-2', 'link-late', soon),
      'dead-worker',
      'still fresh',
    );
    const later = new Date(claimedAt.getTime() + 120_000);
    assert.equal(await store.links.claimICalUId('meeting-2', 'link-late', later), 'link-late');
  });

  it('takes over a key whose index row names a link that is gone only once the row is stale', async () => {
    // create() writes the index rows just before the link row itself: a fresh row is a link in the making.
    // A row whose link never came or went (fuzz seed 54: a save wrote its rows while another worker
    // deleted the link) kept every later change of the booking waiting for ever.
    const writtenAt = new Date('2026-11-25T10:00:00Z');
    const record = link({
      reservationId: 'r-being-linked',
      iCalUId: null,
      updatedAt: writtenAt.toISOString(),
    });
    await store.links.create(record);
    await store.links.delete({ ...record, copies: [], reservationId: null }); // the link row alone goes
    const soon = new Date(writtenAt.getTime() + 30_000);
    assert.equal(await store.links.claim('reservation', 'r-being-linked', 'intruder', soon), record.id);
    const later = new Date(writtenAt.getTime() + 120_000);
    assert.equal(await store.links.claim('reservation', 'r-being-linked', 'next', later), 'next');
  });

  it('lets exactly one of two concurrent claims of a meeting win', async () => {
    const [a, b] = await Promise.all([
      store.links.claimICalUId('meeting-1', 'link-a'),
      store.links.claimICalUId('meeting-1', 'link-b'),
    ]);
    assert.equal(a, b);
    assert.ok(a === 'link-a' || a === 'link-b');
  });

  it('lists subscriptions that expire before a horizon, soonest first, and keeps delta state and conflicts per room', async () => {
    const sub = (id: string, expiresAt: string) => ({
      id,
      room: ROOM,
      expiresAt,
      clientState: 's',
      createdAt: '2026-11-25T00:00:00Z',
    });
    await store.subscriptions.save(sub('late', '2026-11-27T00:00:00Z'));
    await store.subscriptions.save(sub('soon', '2026-11-25T12:00:00Z'));
    await store.subscriptions.save(sub('sooner', '2026-11-25T11:00:00Z'));
    assert.deepEqual(
      (await store.subscriptions.expiringBefore(new Date('2026-11-26T00:00:00Z'))).map((s) => s.id),
      ['sooner', 'soon'],
    );
    assert.equal((await store.subscriptions.forRoom(ROOM)).length, 3);

    await store.deltaState.save({
      room: ROOM,
      deltaLink: 'https://x/delta?$deltatoken=1',
      windowStart: 'a',
      windowEnd: 'b',
      updatedAt: 'c',
    });
    assert.equal((await store.deltaState.get(ROOM))?.deltaLink, 'https://x/delta?$deltatoken=1');
    await store.deltaState.clear(ROOM);
    assert.equal(await store.deltaState.get(ROOM), undefined);

    const conflict = (at: string) => ({
      room: ROOM,
      at,
      reason: 'roomTaken',
      linkId: null,
      reservationId: `r-${at}`,
      eventId: null,
      summary: 'taken',
    });
    await store.conflicts.add(conflict('2026-11-25T10:00:00Z'));
    await store.conflicts.add(conflict('2026-11-25T12:00:00Z'));
    // The same refusal recorded again (a duplicate webhook) stays one row.
    await store.conflicts.add({
      ...conflict('2026-11-25T12:00:01Z'),
      reservationId: 'r-2026-11-25T12:00:00Z',
    });
    assert.deepEqual(
      (await store.conflicts.forRoom(ROOM)).map((c) => c.at),
      ['2026-11-25T12:00:01Z', '2026-11-25T10:00:00Z'],
      'newest first',
    );
  });

  it('deliveries: a deliveryId is new once, a repeat after; forget takes it back; prune drops old days', async () => {
    const delivery = (deliveryId: string, occurredAt: string) => ({
      deliveryId,
      reservationId: 'r-1',
      occurredAt,
      receivedAt: '2026-11-26T08:00:01Z',
    });
    const today = delivery('d-today', '2026-11-26T08:00:00Z');
    assert.equal(await store.deliveries.remember(today), true);
    assert.equal(await store.deliveries.remember(today), false);
    // A repeat that arrives after midnight is still the same row: the event's day, not the arrival's.
    assert.equal(await store.deliveries.remember({ ...today, receivedAt: '2026-11-27T00:00:05Z' }), false);
    await store.deliveries.forget(today);
    assert.equal(await store.deliveries.remember(today), true);

    const old = delivery('d-old', '2026-11-10T23:59:59Z');
    const unparsable = delivery('d-odd', 'yesterday-ish');
    assert.equal(await store.deliveries.remember(old), true);
    assert.equal(await store.deliveries.remember(unparsable), true);
    // Retention is a week: on Nov 26 the 10th goes, the 19th onwards (and the 26th) stay.
    assert.equal(await store.deliveries.prune(new Date('2026-11-26T03:17:00Z')), 1);
    assert.equal(await store.deliveries.remember(old), true, 'pruned, so it counts as new again');
    assert.equal(await store.deliveries.remember(today), false);
    assert.equal(await store.deliveries.remember(unparsable), false);
  });
});
