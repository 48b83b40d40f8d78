import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, followDelta, graphClient, type DeltaRound } from '../../helpers/graph-client';

const ROOM = 'room.alpha@contoso.com';
const OTHER = 'room.beta@contoso.com';
const WINDOW = 'startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-08T00:00:00Z';

interface Item {
  id: string;
  subject?: string;
  '@removed'?: { reason: string };
}

const pad = (n: number): string => String(n).padStart(2, '0');
const slot = (day: number, hour = 9): Record<string, unknown> => ({
  start: { dateTime: `2026-12-${pad(day)}T${pad(hour)}:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2026-12-${pad(day)}T${pad(hour + 1)}:00:00`, timeZone: 'UTC' },
});

describe('Graph emulator: calendarView and calendarView/delta', () => {
  let emulator: GraphEmulator;
  let client: Client;
  before(async () => {
    emulator = await startGraphEmulator();
  });
  beforeEach(async () => {
    emulator.reset();
    emulator.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    emulator.directory.add({ email: OTHER, displayName: 'Room Beta', kind: 'room' });
    client = graphClient(emulator.url, await fetchToken(emulator.url));
  });
  after(async () => {
    await emulator.stop();
  });

  const create = async (subject: string, day: number, mailbox = ROOM): Promise<Item> =>
    (await client.api(`/users/${mailbox}/events`).post({ subject, ...slot(day) })) as Item;

  const deltaRound = (url: string, pageSize = 2): Promise<DeltaRound<Item>> =>
    followDelta<Item>(client, url, pageSize);

  it('lists the events that overlap the window, in start order', async () => {
    await create('late', 5);
    await create('early', 2);
    await create('outside', 20);
    const view = (await client.api(`/users/${ROOM}/calendarView?${WINDOW}`).get()) as { value: Item[] };
    assert.deepEqual(
      view.value.map((e) => e.subject),
      ['early', 'late'],
    );
    const missing: unknown = await client
      .api(`/users/${ROOM}/calendarView`)
      .get()
      .catch((err: unknown) => err);
    assert.ok(missing instanceof GraphError);
    assert.equal(missing.statusCode, 400);
  });

  it('pages a first round to a deltaLink, then reports changes, deletions and items that left the window', async () => {
    const a = await create('a', 2);
    const b = await create('b', 3);
    const c = await create('c', 4);
    const first = await deltaRound(`/users/${ROOM}/calendarView/delta?${WINDOW}`);
    assert.equal(first.pages, 2);
    assert.deepEqual(first.items.map((i) => i.subject).sort(), ['a', 'b', 'c']);
    assert.ok(!first.deltaLink.includes('startDateTime'), 'the window lives in the token');

    const quiet = await deltaRound(first.deltaLink);
    assert.deepEqual(quiet.items, [], 'nothing changed, nothing reported');

    const d = await create('d', 6);
    await client.api(`/users/${ROOM}/events/${a.id}`).patch({ subject: 'a2' });
    await client.api(`/users/${ROOM}/events/${b.id}`).delete();
    await client.api(`/users/${ROOM}/events/${c.id}`).patch(slot(25));
    await create('elsewhere', 3, OTHER);
    const second = await deltaRound(quiet.deltaLink, 10);
    const changed = second.items.filter((i) => !i['@removed']).map((i) => [i.id, i.subject]);
    const removed = second.items.filter((i) => i['@removed']).map((i) => i.id);
    assert.deepEqual(
      changed.sort(),
      [
        [a.id, 'a2'],
        [d.id, 'd'],
      ].sort(),
    );
    assert.deepEqual(removed.sort(), [b.id, c.id].sort());
  });

  it('answers 410 SyncStateNotFound for tokens the control API expired, per mailbox or all', async () => {
    await create('a', 2);
    await create('x', 2, OTHER);
    const mine = await deltaRound(`/users/${ROOM}/calendarView/delta?${WINDOW}`);
    const theirs = await deltaRound(`/users/${OTHER}/calendarView/delta?${WINDOW}`);
    const res = await fetch(`${emulator.url}/_emulator/delta/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: ROOM }),
    });
    assert.equal(res.status, 200);
    const expired: unknown = await client
      .api(mine.deltaLink)
      .get()
      .catch((err: unknown) => err);
    assert.ok(expired instanceof GraphError);
    assert.equal(expired.statusCode, 410);
    assert.equal(expired.code, 'SyncStateNotFound');
    const still = (await client.api(theirs.deltaLink).get()) as { value: Item[] };
    assert.deepEqual(still.value, []);
  });
});
