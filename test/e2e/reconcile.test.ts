import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { WorkplaceClient } from '../../shared/workplace';
import { FUNCTION_KEY, MASTER_KEY } from '../helpers/host';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
  startServiceHost,
  type ServiceHost,
} from '../helpers/service-host';
import { daysFromAMonthAhead } from '../helpers/dates';
import { waitFor } from '../helpers/wait';
import { reservationsNamed } from '../helpers/workplace';

const ROOM = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';

/** The bookings' dates: relative to today, day(0) a Monday (test/helpers/dates.ts). */
const day = daysFromAMonthAhead();

interface Item {
  id: string;
  subject: string;
}

/**
 * The reconcile sweep alone keeps both sides in agreement: every Graph notification and every Workplace
 * webhook is dropped, and only the timer's sweep (run through the host's admin API) carries changes.
 */
describe('reconcile sweep, with every notification and webhook lost', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost([
      'graph-notifications',
      'workplace-webhook',
      'rooms',
      'sync-worker',
      'reconcile',
      'replay-poison',
    ]);
    addRoom(service, ROOM, 'wp-alpha');
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    assert.equal(await registerRoom(service, ROOM, 'wp-alpha'), 201);
    await quiescent(service);
    const res = await fetch(`${service.graph.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notifications: { drop: 1 } }),
    });
    assert.equal(res.ok, true);
    service.workplace.setFaults({ webhooks: { drop: 1 } });
  });
  after(async () => {
    await service.close();
  });

  const sweep = async (): Promise<void> => {
    const res = await fetch(`${service.host.url}/admin/functions/reconcile`, {
      method: 'POST',
      headers: { 'x-functions-key': MASTER_KEY, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 202);
    await quiescent(service);
  };
  const roomSubjects = async (): Promise<string[]> =>
    ((await graph.api(`/users/${ROOM}/events`).top(100).get()) as { value: Item[] }).value
      .map((e) => e.subject)
      .sort();
  const subjects = async (): Promise<string[]> =>
    (await reservationsNamed(workplace, () => true, { roomId: 'wp-alpha' })).map((r) => r.subject).sort();

  it('carries new bookings, changes and cancellations both ways', async () => {
    const meeting = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Made in Outlook',
      start: { dateTime: `${day(0)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(0)}T10:00:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
    })) as { id: string };
    const made = await workplace.createReservation(
      {
        subject: 'Made in Workplace',
        start: `${day(1)}T09:00:00`,
        end: `${day(1)}T10:00:00`,
        timeZone: 'Europe/Brussels',
        responsible: { email: ADA, name: 'Ada Lovelace' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
      },
      'reconcile-1',
    );
    await quiescent(service);
    assert.deepEqual(await subjects(), ['Made in Workplace'], 'nothing crossed without a sweep');

    await sweep();
    assert.deepEqual(await subjects(), ['Made in Outlook', 'Made in Workplace']);
    assert.deepEqual(await roomSubjects(), ['Made in Outlook', 'Made in Workplace']);
    const status = (await (
      await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
    ).json()) as { bookings: number };
    assert.equal(status.bookings, 2, 'the room’s status counts its linked bookings');

    // Changes on both sides, again unannounced.
    await graph.api(`/users/${ADA}/events/${meeting.id}`).patch({ subject: 'Renamed in Outlook' });
    await workplace.cancelReservation(made.id);
    await quiescent(service);
    await sweep();
    assert.deepEqual(await subjects(), ['Renamed in Outlook']);
    assert.deepEqual(await roomSubjects(), ['Renamed in Outlook']);

    // A sweep with nothing new writes nothing.
    const writes = (): number =>
      Object.entries(service.workplace.stats().byRoute)
        .filter(([route]) => !route.startsWith('GET'))
        .reduce((n, [, count]) => n + count, 0);
    const before = writes();
    await sweep();
    assert.equal(writes(), before, 'a quiet sweep writes nothing');
  });

  it('after the delta token expires, a new first round duplicates nothing', async () => {
    const res = await fetch(`${service.graph.url}/_emulator/delta/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'After expiry',
      start: { dateTime: `${day(2)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(2)}T10:00:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
    });
    await quiescent(service);
    await sweep();
    await waitFor(
      'the new booking in Workplace',
      async () => ((await subjects()).includes('After expiry') ? true : undefined),
      10_000,
    );
    assert.deepEqual(await subjects(), ['After expiry', 'Renamed in Outlook']);
    assert.deepEqual(await roomSubjects(), ['After expiry', 'Renamed in Outlook']);
  });

  it('a whole Outlook series deleted unannounced is found by the sweep, and its reservation cancelled', async () => {
    const series = (await graph.api(`/users/${ADA}/events`).post({
      subject: 'Weekly, then gone',
      start: { dateTime: `${day(15)}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(15)}T10:00:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
        range: { type: 'numbered', startDate: day(15), numberOfOccurrences: 4 },
      },
    })) as { id: string };
    await quiescent(service);
    await sweep();
    assert.ok((await subjects()).includes('Weekly, then gone'));
    // Once more, so the reservation roomsync made is no longer news on the Workplace side either.
    await sweep();
    await graph.api(`/users/${ADA}/events/${series.id}`).delete();
    await quiescent(service);
    await sweep();
    assert.ok(!(await subjects()).includes('Weekly, then gone'), 'the reservation is cancelled');
  });

  it('never mass-deletes on a guess: most of a room vanishing is withheld until an administrator confirms', async () => {
    const made: string[] = [];
    for (let n = 10; n < 16; n += 1) {
      const event = (await graph.api(`/users/${ADA}/events`).post({
        subject: `Planning ${String(n)}`,
        start: { dateTime: `${day(41 + n)}T09:00:00`, timeZone: 'UTC' },
        end: { dateTime: `${day(41 + n)}T10:00:00`, timeZone: 'UTC' },
        attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Alpha' } }],
      })) as { id: string };
      made.push(event.id);
    }
    await quiescent(service);
    await sweep();
    await sweep();
    const planning = async (): Promise<number> =>
      (await subjects()).filter((s) => s.startsWith('Planning')).length;
    assert.equal(await planning(), 6);
    const status = async (): Promise<{ withheldRemovals: { count: number; confirm: string } | null }> =>
      (await (
        await fetch(`${service.host.url}/api/rooms/${ROOM}`, { headers: { 'x-functions-key': FUNCTION_KEY } })
      ).json()) as { withheldRemovals: { count: number; confirm: string } | null };
    const confirm = (): Promise<Response> =>
      fetch(`${service.host.url}/api/rooms/${ROOM}/resync?confirmRemovals=true`, {
        method: 'POST',
        headers: { 'x-functions-key': FUNCTION_KEY },
      });
    assert.equal((await confirm()).status, 409, 'nothing withheld yet');

    for (const id of made) await graph.api(`/users/${ADA}/events/${id}`).delete();
    await quiescent(service);
    await sweep();
    assert.equal(await planning(), 6, 'nothing cancelled on a guess');
    assert.equal((await status()).withheldRemovals?.count, 6, 'the admin API says what waits');
    assert.match((await status()).withheldRemovals?.confirm ?? '', /confirmRemovals=true/);
    await sweep();
    assert.equal(await planning(), 6, 'still withheld on the next sweep');

    assert.equal((await confirm()).status, 202);
    await quiescent(service);
    assert.equal(await planning(), 0, 'applied once confirmed');
    assert.equal((await status()).withheldRemovals, null);
  });

  it('the admin endpoint puts poison messages back; bad parameters are refused', async () => {
    const call = (query: string): Promise<Response> =>
      fetch(`${service.host.url}/api/poison/replay${query}`, {
        method: 'POST',
        headers: { 'x-functions-key': FUNCTION_KEY },
      });
    assert.equal((await call('?queue=nowhere')).status, 400);
    assert.equal((await call('?limit=0')).status, 400);
    const res = await call('');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      replayed: [
        { queue: 'sync-changes', replayed: 0, reasons: [] },
        { queue: 'subscription-events', replayed: 0, reasons: [] },
      ],
    });
    const unauthorised = await fetch(`${service.host.url}/api/poison/replay`, { method: 'POST' });
    assert.equal(unauthorised.status, 401);
  });
});
