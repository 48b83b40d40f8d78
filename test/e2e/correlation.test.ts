import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { WorkplaceClient } from '../../shared/workplace';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
  startServiceHost,
  type ServiceHost,
} from '../helpers/service-host';
import { waitFor } from '../helpers/wait';

/**
 * Issue 9's acceptance: one synced change followed by its correlation id through the local logs of the
 * three functions it passes: the HTTP function that took it in, the sync worker that wrote the other
 * side, and that side's function bringing back the echo of the write (whose worker names the change).
 */

const ROOM = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';
const DAY = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);

type Line = Record<string, unknown>;

describe('one change followed through the logs by its correlation id (local host)', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  const lines: Line[] = [];
  const write = process.stdout.write.bind(process.stdout);
  before(async () => {
    // The app logs one JSON object per line to stdout (Azure collects it); the test reads it too.
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      for (const text of String(chunk).split('\n')) {
        if (!text.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(text) as Line);
        } catch {
          // not one of the app's lines
        }
      }
      return write(chunk, ...rest);
    };
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    addRoom(service, ROOM, 'wp-alpha');
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    assert.equal(await registerRoom(service, ROOM, 'wp-alpha'), 201);
    await quiescent(service);
  });
  after(async () => {
    process.stdout.write = write;
    await service.close();
  });

  it('an Outlook meeting: graphNotifications → syncWorker (writes Workplace) → workplaceWebhook → syncWorker (echo, causedBy)', async () => {
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Traced review',
      start: { dateTime: `${DAY}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${DAY}T09:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ROOM } }],
    });
    const reservation = await waitFor(
      'the reservation',
      async () => {
        for await (const r of workplace.listReservations({ roomId: 'wp-alpha' }))
          if (r.subject === 'Traced review') return r;
        return undefined;
      },
      15_000,
    );
    // The change: the worker line that wrote the reservation, and its correlation id.
    const synced = await waitFor(
      'the worker’s line',
      () =>
        Promise.resolve(
          lines.find(
            (l) => l['msg'] === 'Synced an Exchange change' && l['writes'] === 1 && l['room'] === ROOM,
          ),
        ),
      10_000,
    );
    const id = synced['correlationId'];
    assert.equal(typeof id, 'string');
    assert.equal(synced['function'], 'syncWorker');
    const ingress = lines.find((l) => l['msg'] === 'Graph notifications queued' && l['correlationId'] === id);
    assert.equal(
      ingress?.['function'],
      'graphNotifications',
      'the HTTP function took it in under the same id',
    );
    // The echo of the write comes back through Workplace's webhook under an id of its own; its worker
    // line names the change that caused it.
    const echo = await waitFor(
      'the echo’s worker line',
      () =>
        Promise.resolve(lines.find((l) => l['msg'] === 'Synced a Workplace change' && l['causedBy'] === id)),
      10_000,
    );
    assert.equal(echo['rule'], 'echo');
    assert.equal(echo['reservationId'], reservation.id);
    const webhook = lines.find(
      (l) => l['msg'] === 'Workplace change queued' && l['correlationId'] === echo['correlationId'],
    );
    assert.equal(webhook?.['function'], 'workplaceWebhook');
    // Every line of the change carries the room or the booking's ids, and none a secret or token.
    const ofChange = lines.filter((l) => l['correlationId'] === id);
    assert.ok(ofChange.length >= 3, `${String(ofChange.length)} lines of the change`);
    assert.ok(!JSON.stringify(lines).includes('workplace-dev-key'), 'no API key in the logs');
  });
});
