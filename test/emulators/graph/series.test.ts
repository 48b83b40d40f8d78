import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, followDelta, graphClient, graphError } from '../../helpers/graph-client';

const ADA = 'ada@contoso.com';
const ROOM = 'room.alpha@contoso.com';
const PACIFIC = 'Pacific Standard Time';

interface Item {
  id: string;
  type: string;
  subject: string;
  changeKey: string;
  seriesMasterId?: string;
  originalStart?: string;
  iCalUId: string;
  responseStatus: { response: string };
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  recurrence: { pattern: Record<string, unknown>; range: Record<string, unknown> } | null;
  cancelledOccurrences?: string[];
  exceptionOccurrences?: Item[];
  attendees: { emailAddress: { address: string }; status: { response: string } }[];
  '@removed'?: { reason: string };
}

/** A weekly Thursday 09:00–10:00 series in Pacific time; 2026-10-22 is a Thursday, DST ends 2026-11-01. */
const weekly = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: 'Stand-up',
  start: { dateTime: '2026-10-22T09:00:00', timeZone: PACIFIC },
  end: { dateTime: '2026-10-22T10:00:00', timeZone: PACIFIC },
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
    range: { type: 'numbered', startDate: '2026-10-22', numberOfOccurrences: 4 },
  },
  ...overrides,
});

const window = (from: string, to: string): string =>
  `startDateTime=${from}T00:00:00Z&endDateTime=${to}T00:00:00Z`;

describe('Graph emulator: recurring series, occurrences and exceptions', () => {
  let emulator: GraphEmulator;
  let client: Client;
  before(async () => {
    emulator = await startGraphEmulator({ meetings: { processingDelayMs: 10 } });
  });
  beforeEach(async () => {
    emulator.reset();
    emulator.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    emulator.directory.add({
      email: ROOM,
      displayName: 'Room Alpha',
      kind: 'room',
      room: { deleteSubject: false, addOrganizerToSubject: false, bookingWindowInDays: 3650 },
    });
    client = graphClient(emulator.url, await fetchToken(emulator.url));
  });
  after(async () => {
    await emulator.stop();
  });

  const view = async (mailbox: string, from: string, to: string, zone?: string): Promise<Item[]> => {
    const request = client.api(`/users/${mailbox}/calendarView?${window(from, to)}`);
    if (zone) request.header('Prefer', `outlook.timezone="${zone}"`);
    return ((await request.get()) as { value: Item[] }).value;
  };
  const instances = async (mailbox: string, masterId: string, from: string, to: string): Promise<Item[]> =>
    (
      (await client.api(`/users/${mailbox}/events/${masterId}/instances?${window(from, to)}`).get()) as {
        value: Item[];
      }
    ).value;

  it('a weekly series in Pacific Standard Time keeps 09:00 local across the November DST change', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post(weekly())) as Item;
    assert.equal(master.type, 'seriesMaster');
    assert.deepEqual(master.recurrence?.range, {
      type: 'numbered',
      startDate: '2026-10-22',
      endDate: '0001-01-01',
      recurrenceTimeZone: PACIFIC,
      numberOfOccurrences: 4,
    });
    const utc = await view(ADA, '2026-10-01', '2026-12-31');
    assert.deepEqual(
      utc.map((o) => o.start.dateTime),
      [
        '2026-10-22T16:00:00.0000000', // PDT, UTC-7
        '2026-10-29T16:00:00.0000000',
        '2026-11-05T17:00:00.0000000', // PST, UTC-8
        '2026-11-12T17:00:00.0000000',
      ],
    );
    assert.ok(
      utc.every((o) => o.type === 'occurrence' && o.seriesMasterId === master.id && o.recurrence === null),
    );
    const local = await view(ADA, '2026-10-01', '2026-12-31', PACIFIC);
    assert.deepEqual(
      local.map((o) => o.start.dateTime.slice(11, 16)),
      ['09:00', '09:00', '09:00', '09:00'],
    );
    assert.equal(local[2]?.originalStart, '2026-11-05T17:00:00Z');
  });

  it('an absoluteMonthly series on day 31 falls on the last day of 30-day months and February', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post({
      subject: 'Month end',
      start: { dateTime: '2026-12-31T14:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-12-31T15:00:00', timeZone: 'Europe/Berlin' },
      recurrence: {
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'endDate', startDate: '2026-12-31', endDate: '2027-04-30' },
      },
    })) as Item;
    const items = await instances(ADA, master.id, '2026-12-01', '2027-06-01');
    assert.deepEqual(
      items.map((o) => o.start.dateTime.slice(0, 16)),
      ['2026-12-31T13:00', '2027-01-31T13:00', '2027-02-28T13:00', '2027-03-31T12:00', '2027-04-30T12:00'],
    );
  });

  it('cancels one occurrence and moves another: absent and moved in views, listed on the master', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post(weekly())) as Item;
    const [first, second, third] = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.ok(first && second && third);

    await client.api(`/users/${ADA}/events/${second.id}`).delete();
    const moved = (await client.api(`/users/${ADA}/events/${third.id}`).patch({
      subject: 'Stand-up (moved)',
      start: { dateTime: '2026-11-06T11:00:00', timeZone: PACIFIC },
      end: { dateTime: '2026-11-06T11:30:00', timeZone: PACIFIC },
    })) as Item;
    assert.equal(moved.type, 'exception');
    assert.equal(moved.id, third.id, 'an occurrence keeps its id when it becomes an exception');
    assert.notEqual(moved.changeKey, third.changeKey);
    assert.equal(moved.originalStart, '2026-11-05T17:00:00Z');

    const after = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.deepEqual(
      after.map((o) => [o.type, o.start.dateTime.slice(0, 16), o.subject]),
      [
        ['occurrence', '2026-10-22T16:00', 'Stand-up'],
        ['exception', '2026-11-06T19:00', 'Stand-up (moved)'],
        ['occurrence', '2026-11-12T17:00', 'Stand-up'],
      ],
    );
    const cancelledView = await view(ADA, '2026-10-29', '2026-10-30');
    assert.deepEqual(cancelledView, [], 'a cancelled occurrence is absent from calendarView');
    await graphError(client.api(`/users/${ADA}/events/${second.id}`).get()).then((err) => {
      assert.equal(err.statusCode, 404);
    });

    const withExtras = (await client
      .api(`/users/${ADA}/events/${master.id}`)
      .select(['subject', 'cancelledOccurrences'])
      .expand('exceptionOccurrences')
      .get()) as Item;
    assert.deepEqual(withExtras.cancelledOccurrences, [`OID.${master.id}.2026-10-29`]);
    assert.deepEqual(
      withExtras.exceptionOccurrences?.map((o) => [o.id, o.subject]),
      [[third.id, 'Stand-up (moved)']],
    );
    const plain = (await client.api(`/users/${ADA}/events/${master.id}`).get()) as Item;
    assert.equal(plain.cancelledOccurrences, undefined, 'only returned when selected');
    assert.notEqual(plain.changeKey, master.changeKey, 'cancelling and moving occurrences change the master');
  });

  it('refuses to move an occurrence onto the day of its neighbour, as Exchange does', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post(weekly())) as Item;
    const [, second] = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.ok(second);
    const err = await graphError(
      client.api(`/users/${ADA}/events/${second.id}`).patch({
        start: { dateTime: '2026-11-05T12:00:00', timeZone: PACIFIC },
        end: { dateTime: '2026-11-05T13:00:00', timeZone: PACIFIC },
      }),
    );
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'ErrorOccurrenceCrossingBoundary');
    const recurrence = await graphError(
      client.api(`/users/${ADA}/events/${second.id}`).patch({ recurrence: weekly().recurrence }),
    );
    assert.equal(recurrence.statusCode, 400);
  });

  it('a new pattern on the master drops its exceptions and cancellations; a later end keeps them', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post(weekly())) as Item;
    const [first, second] = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.ok(first && second);
    await client.api(`/users/${ADA}/events/${first.id}`).patch({ subject: 'Special' });
    await client.api(`/users/${ADA}/events/${second.id}`).delete();

    await client.api(`/users/${ADA}/events/${master.id}`).patch({
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
        range: { type: 'numbered', startDate: '2026-10-22', numberOfOccurrences: 6 },
      },
    });
    const extended = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.equal(extended.length, 5, 'six occurrences, one still cancelled');
    assert.equal(extended[0]?.subject, 'Special');

    await client.api(`/users/${ADA}/events/${master.id}`).patch({
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday', 'friday'] },
        range: { type: 'numbered', startDate: '2026-10-22', numberOfOccurrences: 4 },
      },
    });
    const rebased = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.deepEqual(
      rebased.map((o) => [o.type, o.subject, o.start.dateTime.slice(0, 10)]),
      [
        ['occurrence', 'Stand-up', '2026-10-22'],
        ['occurrence', 'Stand-up', '2026-10-23'],
        ['occurrence', 'Stand-up', '2026-10-29'],
        ['occurrence', 'Stand-up', '2026-10-30'],
      ],
    );
  });

  it('refuses a range that does not start on the event date, and a malformed pattern', async () => {
    const misdated = await graphError(
      client.api(`/users/${ADA}/events`).post(
        weekly({
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
            range: { type: 'noEnd', startDate: '2026-10-23' },
          },
        }),
      ),
    );
    assert.equal(misdated.statusCode, 400);
    const malformed = await graphError(
      client.api(`/users/${ADA}/events`).post(
        weekly({
          recurrence: {
            pattern: { type: 'weekly', interval: 1 },
            range: { type: 'noEnd', startDate: '2026-10-22' },
          },
        }),
      ),
    );
    assert.equal(malformed.statusCode, 400);
    assert.match(malformed.message, /daysOfWeek/);
  });

  it('delta expands the series and reports a cancelled occurrence as @removed', async () => {
    const master = (await client.api(`/users/${ADA}/events`).post(weekly())) as Item;
    const first = await followDelta<Item>(
      client,
      `/users/${ADA}/calendarView/delta?${window('2026-10-01', '2026-12-31')}`,
      10,
    );
    assert.equal(first.items.length, 4);
    assert.ok(first.items.every((item) => item.seriesMasterId === master.id));
    const cancelled = first.items[1];
    assert.ok(cancelled);
    await client.api(`/users/${ADA}/events/${cancelled.id}`).delete();
    const second = await followDelta<Item>(client, first.deltaLink, 10);
    const removed = second.items.filter((item) => item['@removed']);
    assert.deepEqual(
      removed.map((item) => item.id),
      [cancelled.id],
    );
  });

  it('a recurring meeting inviting a room gives the room a recurring copy that follows exceptions', async () => {
    const attendees = [{ type: 'resource', emailAddress: { address: ROOM } }];
    const master = (await client.api(`/users/${ADA}/events`).post(weekly({ attendees }))) as Item;
    await emulator.meetings.settle();
    const [copy] = ((await client.api(`/users/${ROOM}/events`).get()) as { value: Item[] }).value;
    assert.ok(copy);
    assert.equal(copy.type, 'seriesMaster');
    assert.equal(copy.iCalUId, master.iCalUId);
    assert.equal(copy.responseStatus.response, 'accepted');
    assert.equal((await instances(ROOM, copy.id, '2026-10-01', '2026-12-31')).length, 4);

    const [, second] = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.ok(second);
    await client.api(`/users/${ADA}/events/${second.id}`).patch({ subject: 'Retro' });
    await emulator.meetings.settle();
    const roomItems = await instances(ROOM, copy.id, '2026-10-01', '2026-12-31');
    assert.deepEqual(
      roomItems.map((o) => o.subject),
      ['Stand-up', 'Retro', 'Stand-up', 'Stand-up'],
    );
    const organizerSide = await instances(ADA, master.id, '2026-10-01', '2026-12-31');
    assert.notEqual(roomItems[1]?.changeKey, organizerSide[1]?.changeKey, 'each copy has its own changeKeys');
  });

  it('a room declines a series that runs past its booking window, or never ends', async () => {
    emulator.directory.add({
      email: 'room.short@contoso.com',
      displayName: 'Room Short',
      kind: 'room',
      room: { bookingWindowInDays: 30 },
    });
    const today = new Date().toISOString().slice(0, 10);
    const daily = {
      subject: 'Daily',
      start: { dateTime: `${today}T23:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${today}T23:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: 'room.short@contoso.com' } }],
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'noEnd', startDate: today },
      },
    };
    await client.api(`/users/${ADA}/events`).post(daily);
    await emulator.meetings.settle();
    const [organized] = ((await client.api(`/users/${ADA}/events`).get()) as { value: Item[] }).value;
    assert.equal(organized?.attendees[0]?.status.response, 'declined');
    const roomEvents = ((await client.api('/users/room.short@contoso.com/events').get()) as { value: Item[] })
      .value;
    assert.deepEqual(roomEvents, []);
  });

  it('with EnforceSchedulingHorizon off, a room accepts a never-ending series cut at its booking window', async () => {
    emulator.directory.add({
      email: 'room.open@contoso.com',
      displayName: 'Room Open',
      kind: 'room',
      room: { bookingWindowInDays: 30, enforceSchedulingHorizon: false },
    });
    const today = new Date().toISOString().slice(0, 10);
    await client.api(`/users/${ADA}/events`).post({
      subject: 'Daily open',
      start: { dateTime: `${today}T23:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${today}T23:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: 'room.open@contoso.com' } }],
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: today } },
    });
    await emulator.meetings.settle();
    const organized = ((await client.api(`/users/${ADA}/events`).get()) as { value: Item[] }).value.find(
      (e) => e.subject === 'Daily open',
    );
    assert.equal(organized?.recurrence?.range.type, 'noEnd', 'the organizer keeps the series as made');
    const [copy] = ((await client.api('/users/room.open@contoso.com/events').get()) as { value: Item[] })
      .value;
    const windowEnd = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    assert.ok(copy);
    assert.equal(copy.responseStatus.response, 'accepted');
    assert.deepEqual(
      [copy.recurrence?.range['type'], copy.recurrence?.range['endDate']],
      ['endDate', windowEnd],
      'the room holds the meetings up to its window',
    );
  });
});
