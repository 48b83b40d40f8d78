import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { NotFound, Throttled } from '../../shared/errors';
import { GraphGateway, graphCredential } from '../../shared/graph';
import { RESERVATION_ID_PROPERTY } from '../../shared/mapping';

const ROOM = 'room.alpha@contoso.com';
const times = {
  start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
};

describe('GraphGateway against the Graph emulator (real SDK client, real @azure/identity)', () => {
  let emulator: GraphEmulator;
  let graph: GraphGateway;
  before(async () => {
    emulator = await startGraphEmulator();
  });
  beforeEach(async () => {
    // A reset forgets the tokens the emulator issued, so each test signs in afresh.
    emulator.reset();
    emulator.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    await control('faults', 'DELETE');
    graph = new GraphGateway({
      credential: graphCredential({
        kind: 'clientSecret',
        tenantId: 'contoso',
        clientId: 'roomsync',
        clientSecret: 'not-a-real-secret',
        authorityHost: emulator.url,
      }),
      baseUrl: emulator.url,
      maxInPlaceWaitMs: 2_000,
    });
  });
  after(async () => {
    await emulator.stop();
  });

  const control = (path: string, method: string, body?: unknown): Promise<Response> =>
    fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('checks a mailbox, and answers NotFound for one Graph does not know', async () => {
    assert.equal((await graph.getMailbox(ROOM)).displayName, 'Room Alpha');
    await assert.rejects(graph.getMailbox('nobody@contoso.com'), NotFound);
  });

  it('creates once per transactionId, with immutable ids and roomsync’s extended properties read back', async () => {
    const body = {
      subject: 'Made by roomsync',
      ...times,
      singleValueExtendedProperties: [{ id: RESERVATION_ID_PROPERTY, value: 'r-1' }],
    };
    const first = await graph.createEvent(ROOM, body, 'a5d3c6c2-6f1e-4f7b-9f55-0c2f8e0e6a01');
    const again = await graph.createEvent(ROOM, body, 'a5d3c6c2-6f1e-4f7b-9f55-0c2f8e0e6a01');
    assert.equal(again.id, first.id);
    assert.equal(emulator.events.inMailbox(emulator.directory.mailbox(ROOM)).length, 1);
    assert.match(first.id, /^AAkAL/, 'the immutable id format');
    const read = await graph.getEvent(ROOM, first.id);
    assert.deepEqual(read?.singleValueExtendedProperties, [{ id: RESERVATION_ID_PROPERTY, value: 'r-1' }]);
    await graph.deleteEvent(ROOM, first.id);
    await graph.deleteEvent(ROOM, first.id); // already gone: done
    assert.equal(await graph.getEvent(ROOM, first.id), undefined);
  });

  it('keeps at most 4 requests in flight per mailbox, so Exchange never answers MailboxConcurrency', async () => {
    const created = await graph.createEvent(
      ROOM,
      { subject: 'x', ...times },
      'b5d3c6c2-6f1e-4f7b-9f55-0c2f8e0e6a02',
    );
    await control('faults', 'POST', { latencyMs: 100 });
    const reads = await Promise.all(Array.from({ length: 12 }, () => graph.getEvent(ROOM, created.id)));
    assert.ok(reads.every((event) => event?.id === created.id));
    assert.equal(emulator.stats().byRoute['GET /users/{user}/events/{id}'], 12, 'no 429 was retried');
  });

  it('waits out a short Retry-After in place, and hands a long one back as Throttled', async () => {
    const created = await graph.createEvent(
      ROOM,
      { subject: 'x', ...times },
      'c5d3c6c2-6f1e-4f7b-9f55-0c2f8e0e6a03',
    );
    const route = 'GET /users/{user}/events/{id}';
    await control('faults', 'POST', { errors: [{ route, status: 429, count: 1, retryAfterSeconds: 1 }] });
    assert.equal((await graph.getEvent(ROOM, created.id))?.id, created.id);

    await control('faults', 'POST', { errors: [{ route, status: 429, count: 1, retryAfterSeconds: 120 }] });
    const before = emulator.stats().byRoute[route] ?? 0;
    const err = await graph.getEvent(ROOM, created.id).catch((e: unknown) => e);
    assert.ok(err instanceof Throttled, String(err));
    assert.equal(err.retryAfterMs, 120_000);
    assert.equal((emulator.stats().byRoute[route] ?? 0) - before, 1, 'not retried in place');
  });
});
