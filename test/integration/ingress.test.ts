import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { loadStorageConfig } from '../../shared/config';
import { createStore } from '../../shared/store';
import { webhookSignature } from '../../shared/workplace';
import { FUNCTION_KEY } from '../helpers/host';
import { drainQueue, startServiceHost, WEBHOOK_SECRET, type ServiceHost } from '../helpers/service-host';

describe('ingress functions on the local host: graphNotifications, workplaceWebhook (and health, status)', () => {
  let service: ServiceHost;
  const stdout: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'health', 'status']);
    // The functions log to stdout, as they do in Azure (Application Insights collects it).
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      stdout.push(String(chunk));
      return write(chunk, ...rest);
    };
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    await store.ensure();
    await store.subscriptions.save({
      id: 'sub-1',
      room: 'room.alpha@contoso.com',
      expiresAt: '2026-11-28T00:00:00Z',
      clientState: 'the-client-state',
      createdAt: '2026-11-25T00:00:00Z',
    });
  });
  beforeEach(async () => {
    stdout.length = 0;
    for (const name of Object.values(QUEUES))
      await queue(name)
        .clearMessages()
        .catch(() => undefined);
  });
  after(async () => {
    process.stdout.write = write;
    await service.close();
  });

  const queue = (name: string) => createStorageClients(loadStorageConfig(process.env)).queue(name);
  const post = (route: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${service.host.url}/api/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers Graph’s validation handshake with the decoded token as text/plain', async () => {
    const token = 'Validation: Token with spaces & symbols';
    const res = await fetch(
      `${service.host.url}/api/graph/notifications?validationToken=${encodeURIComponent(token)}`,
      { method: 'POST' },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), token);
  });

  it('enqueues one message per valid item, drops and logs a wrong clientState, routes lifecycle events', async () => {
    const res = await post(
      'graph/notifications',
      JSON.stringify({
        value: [
          {
            subscriptionId: 'sub-1',
            clientState: 'the-client-state',
            changeType: 'updated',
            resource: 'Users/x/Events/AAMk1',
            resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: 'AAMk1', '@odata.etag': 'W/"ck-7"' },
          },
          {
            subscriptionId: 'sub-1',
            clientState: 'forged',
            changeType: 'deleted',
            resourceData: { id: 'AAMk2' },
          },
          { subscriptionId: 'sub-1', clientState: 'the-client-state', lifecycleEvent: 'missed' },
        ],
      }),
    );
    assert.equal(res.status, 202);
    const sync = await drainQueue(QUEUES.sync);
    assert.equal(sync.length, 1);
    assert.deepEqual(
      { ...(sync[0] as Record<string, unknown>), correlationId: 'x' },
      {
        v: 1,
        correlationId: 'x',
        kind: 'graphChange',
        room: 'room.alpha@contoso.com',
        subscriptionId: 'sub-1',
        eventId: 'AAMk1',
        changeType: 'updated',
        changeKey: 'ck-7',
      },
    );
    assert.deepEqual(
      (await drainQueue(QUEUES.subscriptions)).map((m) => (m as { event: string }).event),
      ['missed'],
    );
    assert.ok(
      stdout.some((line) => line.includes('wrong clientState')),
      'the drop is logged',
    );
    assert.ok(!stdout.join('').includes('forged'), 'the forged secret is not logged');
  });

  it('queues one message per event when a batch holds several of its changes (each costs a read)', async () => {
    const change = (id: string, changeType: string, etag?: string): object => ({
      subscriptionId: 'sub-1',
      clientState: 'the-client-state',
      changeType,
      resourceData: { id, ...(etag ? { '@odata.etag': etag } : {}) },
    });
    const res = await post(
      'graph/notifications',
      JSON.stringify({
        value: [
          change('AAMk-new', 'created', 'W/"ck-1"'),
          change('AAMk-gone', 'updated', 'W/"ck-5"'),
          change('AAMk-new', 'updated', 'W/"ck-2"'),
          change('AAMk-gone', 'deleted'),
          change('AAMk-late', 'deleted'),
          change('AAMk-late', 'updated', 'W/"ck-9"'),
        ],
      }),
    );
    assert.equal(res.status, 202);
    const sync = (await drainQueue(QUEUES.sync)) as {
      eventId: string;
      changeType: string;
      changeKey?: string;
    }[];
    assert.deepEqual(
      sync
        .map(({ eventId, changeType, changeKey }) => ({ eventId, changeType, changeKey }))
        .sort((a, b) => a.eventId.localeCompare(b.eventId)),
      [
        { eventId: 'AAMk-gone', changeType: 'deleted', changeKey: undefined },
        { eventId: 'AAMk-late', changeType: 'deleted', changeKey: undefined },
        { eventId: 'AAMk-new', changeType: 'updated', changeKey: 'ck-2' },
      ],
    );
  });

  it('refuses an oversize body with 413 before reading it whole, and enqueues nothing', async () => {
    const huge = JSON.stringify({ value: [{ filler: 'x'.repeat(1024 * 1024) }] });
    const graph = await post('graph/notifications', huge);
    assert.equal(graph.status, 413);
    assert.match(((await graph.json()) as { error: string }).error, /larger than 1048576 bytes/);
    assert.equal((await post('workplace/webhook', 'x'.repeat(65 * 1024))).status, 413);
    // Without a Content-Length (chunked), the limit holds on the bytes read.
    const chunked = await fetch(`${service.host.url}/api/workplace/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 80; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    assert.equal(chunked.status, 413);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
  });

  it('drops items of a subscription roomsync does not hold: 202 for Graph, nothing queued', async () => {
    const res = await post(
      'graph/notifications',
      JSON.stringify({
        value: [
          {
            subscriptionId: 'sub-unknown',
            clientState: 'the-client-state',
            changeType: 'created',
            resourceData: { id: 'AAMk9' },
          },
          { subscriptionId: 'sub-unknown', clientState: 'the-client-state', lifecycleEvent: 'missed' },
        ],
      }),
    );
    assert.equal(res.status, 202);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
    assert.deepEqual(await drainQueue(QUEUES.subscriptions), []);
    assert.ok(stdout.some((line) => line.includes('unknown subscription') && line.includes('sub-unknown')));
  });

  it('answers a megabyte of 10,000 made-up subscription ids with 413 at once: no lookup, one log line', async () => {
    const value = Array.from({ length: 10_000 }, (_, i) => ({
      subscriptionId: `u${String(i)}`,
      clientState: 'x',
      changeType: 'created',
      resourceData: { id: `A${String(i)}` },
    }));
    const body = JSON.stringify({ value });
    assert.ok(body.length < 1024 * 1024, 'under the body limit');
    const started = performance.now();
    const res = await post('graph/notifications', body);
    const elapsed = performance.now() - started;
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: string }).error, /at most 1000 notifications per request/);
    // Before the bound: 10,000 table reads and 10,000 log lines, 8.6-9.0 s on this machine.
    assert.ok(elapsed < 2000, `answered in ${elapsed.toFixed(0)} ms`);
    assert.equal(stdout.filter((line) => line.includes('"u1')).length, 0, 'no line names the ids');
    assert.equal(stdout.filter((line) => line.includes('Graph notification')).length, 1);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
  });

  it('sums a request of 1,000 made-up ids up in one line, and makes fifty `missed` one resync', async () => {
    const value = [
      ...Array.from({ length: 950 }, (_, i) => ({
        subscriptionId: `made-up-${String(i)}`,
        clientState: 'x',
        changeType: 'created',
        resourceData: { id: `A${String(i)}` },
      })),
      ...Array.from({ length: 50 }, () => ({
        subscriptionId: 'sub-1',
        clientState: 'the-client-state',
        lifecycleEvent: 'missed',
      })),
    ];
    const res = await post('graph/notifications', JSON.stringify({ value }));
    assert.equal(res.status, 202);
    const lines = stdout.filter((line) => line.includes('Graph notification'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', /"unknownSubscription":950/);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
    assert.deepEqual(
      (await drainQueue(QUEUES.subscriptions)).map((m) => (m as { event: string }).event),
      ['missed'],
    );
  });

  it('refuses malformed JSON with 400 and enqueues nothing', async () => {
    assert.equal((await post('graph/notifications', '{"value": [')).status, 400);
    assert.equal((await post('graph/notifications', '{"items": []}')).status, 400);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
  });

  it('verifies Workplace webhooks: a signed one is enqueued, a bad signature is 401, malformed JSON 400', async () => {
    const body = JSON.stringify({
      deliveryId: '6f1c4a52-0d52-4d8e-9c5e-3f2b1a0e9d77',
      type: 'reservation.created',
      reservationId: 'r-1',
      version: 1,
      occurredAt: new Date().toISOString(),
    });
    const signed = (raw: string, secret = WEBHOOK_SECRET) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      return {
        'x-workplace-timestamp': timestamp,
        'x-workplace-signature': webhookSignature(secret, timestamp, raw),
      };
    };
    assert.equal((await post('workplace/webhook', body, signed(body))).status, 202);
    assert.equal(
      (await post('workplace/webhook', body, signed(body, 'another-secret-0123456789'))).status,
      401,
    );
    assert.equal((await post('workplace/webhook', body)).status, 401);
    assert.equal((await post('workplace/webhook', '{"oops"', signed('{"oops"'))).status, 400);
    const sync = await drainQueue(QUEUES.sync);
    assert.deepEqual(
      sync.map((m) => (m as { kind: string; reservationId: string }).reservationId),
      ['r-1'],
    );
  });

  it('answers a repeated Workplace deliveryId with 202 "duplicate" and queues it once', async () => {
    const body = JSON.stringify({
      deliveryId: '0b6f7a43-52f1-4c1e-8d0e-6a1c2e9b4f10',
      type: 'reservation.updated',
      reservationId: 'r-2',
      version: 4,
      occurredAt: new Date().toISOString(),
    });
    const send = () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      return post('workplace/webhook', body, {
        'x-workplace-timestamp': timestamp,
        'x-workplace-signature': webhookSignature(WEBHOOK_SECRET, timestamp, body),
      });
    };
    const first = await send();
    assert.equal(first.status, 202);
    const again = await send();
    assert.equal(again.status, 202);
    assert.deepEqual(await again.json(), {
      duplicate: true,
      deliveryId: '0b6f7a43-52f1-4c1e-8d0e-6a1c2e9b4f10',
    });
    const sync = await drainQueue(QUEUES.sync);
    assert.deepEqual(
      sync.map((m) => (m as { reservationId: string }).reservationId),
      ['r-2'],
    );
  });

  it('counts refused webhooks across the flood in a few writes and lines, and shows them on /api/health and the status page', async () => {
    const body = JSON.stringify({
      deliveryId: '9d0c8f7e-1111-4c1e-8d0e-6a1c2e9b4f10',
      type: 'reservation.updated',
      reservationId: 'r-3',
      version: 1,
      occurredAt: new Date().toISOString(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const forged = {
      'x-workplace-timestamp': timestamp,
      'x-workplace-signature': webhookSignature('a-rotated-secret-0123456789', timestamp, body),
    };
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => post('workplace/webhook', body, forged).then((r) => r.status)),
    );
    assert.deepEqual([...new Set(answers)], [401]);
    assert.ok(
      stdout.filter((line) => line.includes('Refused a Workplace webhook')).length === 0,
      'no line per refusal',
    );
    assert.ok(stdout.filter((line) => line.includes('Workplace webhooks refused')).length <= 1);
    const health = (await (await fetch(`${service.host.url}/api/health`)).json()) as {
      webhooks?: { refused: { last24Hours: number; byReason: { badSignature: number }; lastAt: string } };
    };
    assert.ok((health.webhooks?.refused.byReason.badSignature ?? 0) >= 1, JSON.stringify(health));
    assert.ok(Date.now() - Date.parse(health.webhooks?.refused.lastAt ?? '') < 60_000);
    const page = await (
      await fetch(`${service.host.url}/api/status`, { headers: { 'x-functions-key': FUNCTION_KEY } })
    ).text();
    assert.match(page, /id="webhook-refusals" data-refused="\d+" data-level="warn"/);
    assert.match(page, /bad signature/);
    assert.deepEqual(await drainQueue(QUEUES.sync), []);
  });

  it('answers a burst of anonymous /api/health calls from one report (no table scans per call)', async () => {
    const reports = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await fetch(`${service.host.url}/api/health`);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        return (await res.json()) as { status: string; checkedAt: string };
      }),
    );
    assert.equal(new Set(reports.map((r) => r.checkedAt)).size, 1, 'one report for all of them');
    assert.equal(reports[0]?.status, 'ok');
  });
});
