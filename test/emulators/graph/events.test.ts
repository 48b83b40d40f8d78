import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, graphClient, graphError } from '../../helpers/graph-client';

const ROOM = 'room.alpha@contoso.com';
const PROP = 'String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name ReservationId';

interface Event {
  id: string;
  changeKey: string;
  '@odata.etag': string;
  subject: string;
  type: string;
  iCalUId: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  originalStartTimeZone: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  organizer: { emailAddress: { address: string } };
  singleValueExtendedProperties?: { id: string; value: string }[];
  [key: string]: unknown;
}

const meeting = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: 'Planning',
  start: { dateTime: '2026-11-26T09:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2026-11-26T10:00:00', timeZone: 'Pacific Standard Time' },
  ...overrides,
});

describe('Graph emulator: events (single instances, through the real Graph SDK client)', () => {
  let emulator: GraphEmulator;
  let client: Client;
  before(async () => {
    emulator = await startGraphEmulator();
  });
  beforeEach(async () => {
    emulator.reset();
    emulator.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    client = graphClient(emulator.url, await fetchToken(emulator.url));
  });
  after(async () => {
    await emulator.stop();
  });

  it('creates an event and returns it as Graph does: UTC times, original zone, etag = changeKey, iCalUId', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    assert.equal(created.type, 'singleInstance');
    assert.deepEqual(created.start, { dateTime: '2026-11-26T17:00:00.0000000', timeZone: 'UTC' });
    assert.deepEqual(created.end, { dateTime: '2026-11-26T18:00:00.0000000', timeZone: 'UTC' });
    assert.equal(created.originalStartTimeZone, 'Pacific Standard Time');
    assert.equal(created['@odata.etag'], `W/"${created.changeKey}"`);
    assert.match(created.iCalUId, /^040000008200E00074C5B7101A82E008/);
    assert.equal(created.organizer.emailAddress.address, ROOM);
    assert.ok(!Number.isNaN(Date.parse(created.createdDateTime)));
    const again = (await client.api(`/users/${ROOM}/calendar/events/${created.id}`).get()) as Event;
    assert.equal(again.changeKey, created.changeKey);
  });

  it('converts times to the zone asked for with Prefer: outlook.timezone, and says so', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    const res = (await client
      .api(`/users/${ROOM}/events/${created.id}`)
      .header('Prefer', 'outlook.timezone="W. Europe Standard Time"')
      .responseType('raw' as never)
      .get()) as Response;
    assert.equal(res.headers.get('preference-applied'), 'outlook.timezone="W. Europe Standard Time"');
    const event = (await res.json()) as Event;
    assert.deepEqual(event.start, {
      dateTime: '2026-11-26T18:00:00.0000000',
      timeZone: 'W. Europe Standard Time',
    });
  });

  it('answers ids in the immutable format only when asked with Prefer: IdType="ImmutableId", and accepts both', async () => {
    const restCreated = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    const immutable = (await client
      .api(`/users/${ROOM}/events/${restCreated.id}`)
      .header('Prefer', 'IdType="ImmutableId"')
      .get()) as Event;
    assert.notEqual(immutable.id, restCreated.id);
    const viaImmutable = (await client.api(`/users/${ROOM}/events/${immutable.id}`).get()) as Event;
    assert.equal(viaImmutable.id, restCreated.id);
  });

  it('changes changeKey and lastModifiedDateTime on every PATCH and refuses a stale If-Match with 412', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = (await client
      .api(`/users/${ROOM}/events/${created.id}`)
      .patch({ subject: 'Renamed' })) as Event;
    assert.equal(patched.subject, 'Renamed');
    assert.notEqual(patched.changeKey, created.changeKey);
    assert.ok(patched.lastModifiedDateTime > created.lastModifiedDateTime);
    assert.deepEqual(patched.start, created.start, 'a sparse PATCH keeps the other properties');
    const stale = await graphError(
      client
        .api(`/users/${ROOM}/events/${created.id}`)
        .header('If-Match', created['@odata.etag'])
        .patch({ subject: 'Lost update' }),
    );
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.code, 'ErrorIrresolvableConflict');
  });

  it('deletes with 204, after which the id answers 404 ErrorItemNotFound', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    await client.api(`/users/${ROOM}/events/${created.id}`).delete();
    const gone = await graphError(client.api(`/users/${ROOM}/events/${created.id}`).get());
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.code, 'ErrorItemNotFound');
  });

  it('makes one event for two creates with the same transactionId', async () => {
    const body = meeting({ transactionId: '7E163156-7762-4BEB-A1C6-729EA81755A7' });
    const first = (await client.api(`/users/${ROOM}/events`).post(body)) as Event;
    const second = (await client.api(`/users/${ROOM}/events`).post(body)) as Event;
    assert.equal(second.id, first.id);
    const all = (await client.api(`/users/${ROOM}/events`).get()) as { value: Event[] };
    assert.equal(all.value.length, 1);
  });

  it('stores single-value extended properties, expands them by id and filters the list by them', async () => {
    const created = (await client
      .api(`/users/${ROOM}/events`)
      .post(meeting({ singleValueExtendedProperties: [{ id: PROP, value: 'res-42' }] }))) as Event;
    await client.api(`/users/${ROOM}/events`).post(meeting({ subject: 'Other' }));
    assert.equal(created.singleValueExtendedProperties, undefined, 'not returned unless expanded');

    const expanded = (await client
      .api(`/users/${ROOM}/events/${created.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq '${PROP}')`)
      .get()) as Event;
    assert.deepEqual(expanded.singleValueExtendedProperties, [
      { id: 'String {8eccc264-6880-4ebe-992f-8888d2eeaa1d} Name ReservationId', value: 'res-42' },
    ]);

    const found = (await client
      .api(`/users/${ROOM}/events`)
      .filter(
        `singleValueExtendedProperties/Any(ep: ep/id eq '${PROP.toLowerCase().replace('name reservationid', 'Name ReservationId')}' and ep/value eq 'RES-42')`,
      )
      .get()) as { value: Event[] };
    assert.deepEqual(
      found.value.map((e) => e.id),
      [created.id],
    );
  });

  it('returns only the selected properties, plus id and @odata.etag', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(meeting())) as Event;
    const selected = (await client
      .api(`/users/${ROOM}/events/${created.id}`)
      .select('subject,start')
      .get()) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(selected)
        .filter((k) => k !== '@odata.context')
        .sort(),
      ['@odata.etag', 'id', 'start', 'subject'],
    );
    const withId = (await client
      .api(`/users/${ROOM}/events/${created.id}`)
      .select('id,subject')
      .get()) as Record<string, unknown>;
    assert.equal(withId.id, created.id, 'naming id in $select is allowed');
    const bad = await graphError(client.api(`/users/${ROOM}/events/${created.id}`).select('nonsense').get());
    assert.equal(bad.statusCode, 400);
  });

  it('pages the list with @odata.nextLink (10 by default, $top as page size)', async () => {
    for (let i = 0; i < 12; i += 1)
      await client.api(`/users/${ROOM}/events`).post(meeting({ subject: `E${i}` }));
    const first = (await client.api(`/users/${ROOM}/events`).get()) as {
      value: Event[];
      '@odata.nextLink'?: string;
    };
    assert.equal(first.value.length, 10);
    assert.ok(first['@odata.nextLink']);
    const second = (await client.api(first['@odata.nextLink']).get()) as {
      value: Event[];
      '@odata.nextLink'?: string;
    };
    assert.equal(second.value.length, 2);
    assert.equal(second['@odata.nextLink'], undefined);
    assert.equal(new Set([...first.value, ...second.value].map((e) => e.id)).size, 12);
    const small = (await client.api(`/users/${ROOM}/events`).top(5).get()) as {
      value: Event[];
      '@odata.nextLink'?: string;
    };
    assert.equal(small.value.length, 5);
    assert.match(small['@odata.nextLink'] ?? '', /\$skip=5/);
  });

  it('refuses what Graph refuses: unknown properties, unknown zones, an end before the start, an unknown mailbox', async () => {
    const unknown = await graphError(client.api(`/users/${ROOM}/events`).post(meeting({ colour: 'red' })));
    assert.deepEqual([unknown.statusCode, unknown.code], [400, 'RequestBodyRead']);
    const zone = await graphError(
      client
        .api(`/users/${ROOM}/events`)
        .post(meeting({ start: { dateTime: '2026-11-26T09:00:00', timeZone: 'Mars Standard Time' } })),
    );
    assert.deepEqual([zone.statusCode, zone.code], [400, 'TimeZoneNotSupportedException']);
    const backwards = await graphError(
      client
        .api(`/users/${ROOM}/events`)
        .post(meeting({ end: { dateTime: '2026-11-26T08:00:00', timeZone: 'Pacific Standard Time' } })),
    );
    assert.deepEqual(
      [backwards.statusCode, backwards.code],
      [400, 'ErrorCalendarEndDateIsEarlierThanStartDate'],
    );
    const nobody = await graphError(client.api('/users/nobody@contoso.com/events').get());
    assert.deepEqual([nobody.statusCode, nobody.code], [404, 'ErrorInvalidUser']);
  });

  it('accepts IANA zone names and keeps a 09:00 wall-clock start across the zone offset', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post(
      meeting({
        start: { dateTime: '2026-07-01T09:00:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2026-07-01T10:00:00', timeZone: 'Europe/Berlin' },
      }),
    )) as Event;
    assert.equal(created.start.dateTime, '2026-07-01T07:00:00.0000000');
    assert.equal(created.originalStartTimeZone, 'Europe/Berlin');
  });
});
