import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { checkHealth } from '../../shared/health';
import { enqueue } from '../../shared/queue/encoding';
import { QUEUES } from '../../shared/queue/messages';
import { withFailure } from '../../shared/queue/poison';
import { gatherStatus, summarizeRooms } from '../../shared/status/gather';
import { renderStatusPage } from '../../shared/status/render';
import { createStorageClients, type StorageClients } from '../../shared/storage';
import { LinkRepository, createStore, type Store } from '../../shared/store';

/** What the status page reads, from real tables and queues (Azurite). */

const ALPHA = 'room.alpha@contoso.com';
const BETA = 'room.beta@contoso.com';

describe('status page data (Azurite)', () => {
  let azurite: RunningAzurite;
  let storage: StorageClients;
  let store: Store;
  before(async () => {
    azurite = await startAzurite();
    storage = createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString }));
    store = createStore(storage);
    await store.ensure();
    for (const [email, id] of [
      [ALPHA, 'wp-alpha'],
      [BETA, 'wp-beta'],
    ] as const) {
      await store.rooms.save({
        email,
        workplaceRoomId: id,
        displayName: id,
        timeZone: 'UTC',
        registeredAt: new Date().toISOString(),
      });
    }
    await store.subscriptions.save({
      id: 'sub-alpha',
      room: ALPHA,
      expiresAt: new Date(Date.now() + 60 * 3_600_000).toISOString(),
      clientState: 'never-shown',
      createdAt: new Date().toISOString(),
    });
  });
  after(async () => {
    await azurite.stop();
  });

  it('no queue yet, no status rows: every room listed, nothing unreadable', async () => {
    const report = await gatherStatus({ store, queue: (n) => storage.queue(n), now: () => new Date() });
    assert.deepEqual(
      report.rooms.map((r) => [r.facts.room.email, r.assessment.subscription.state]),
      [
        [ALPHA, 'ok'],
        [BETA, 'missing'],
      ],
    );
    assert.deepEqual(report.unreadable, []);
    assert.deepEqual(report.queue, { approximate: 0, oldestInsertedAt: null });
  });

  it('attributes waiting work and poison to rooms: by room, by subscription, by reservation link', async () => {
    const link = LinkRepository.newId();
    await store.links.create({
      id: link,
      origin: 'workplace',
      organizerRoom: BETA,
      reservationId: 'r-9',
      iCalUId: null,
      copies: [{ room: BETA, eventId: 'e-9', changeKey: 'ck' }],
      exchangeFingerprint: null,
      workplaceFingerprint: 'fp',
      workplaceVersion: 1,
      updatedAt: new Date().toISOString(),
    });
    const sync = storage.queue(QUEUES.sync);
    await sync.createIfNotExists();
    await enqueue(sync, { v: 1, correlationId: 'w-1', kind: 'reconcile', room: ALPHA });
    const poison = storage.queue(`${QUEUES.sync}-poison`);
    await poison.createIfNotExists();
    const failure = {
      reason: 'GraphFailure: ada@contoso.com broke it',
      at: new Date().toISOString(),
      attempts: 5,
    };
    await enqueue(
      poison,
      withFailure(
        {
          v: 1,
          correlationId: 'p-1',
          kind: 'workplaceChange',
          reservationId: 'r-9',
          type: 'reservation.updated',
        },
        failure,
      ),
    );
    await enqueue(
      poison,
      withFailure({ v: 1, correlationId: 'p-2', kind: 'roomCheck', linkId: 'gone' }, failure),
    );
    const lifecycle = storage.queue(`${QUEUES.subscriptions}-poison`);
    await lifecycle.createIfNotExists();
    await enqueue(
      lifecycle,
      withFailure(
        {
          v: 1,
          correlationId: 'p-3',
          kind: 'lifecycle',
          subscriptionId: 'sub-alpha',
          event: 'reauthorizationRequired',
        },
        failure,
      ),
    );

    const report = await gatherStatus({ store, queue: (n) => storage.queue(n), now: () => new Date() });
    const [alpha, beta] = report.rooms;
    assert.equal(alpha?.facts.waiting?.count, 1);
    assert.deepEqual(
      alpha.facts.poison?.map((p) => [p.correlationId, p.lifecycle]),
      [['p-3', 'reauthorizationRequired']],
    );
    assert.deepEqual(
      beta?.facts.poison?.map((p) => [p.correlationId, p.kind, p.reason]),
      [['p-1', 'workplaceChange', 'GraphFailure: [address] broke it']],
    );
    assert.deepEqual(
      report.poison.unattributed.map((p) => p.correlationId),
      ['p-2'],
    );
    assert.equal(report.poison.approximate, 3);
    assert.equal(report.queue.approximate, 1);
    const page = renderStatusPage(report);
    assert.match(page, /2 rooms, 2 with problems/);
    assert.ok(!page.includes('ada@') && !page.includes('never-shown'));
  });

  it('the health summary counts rooms with problems from the cheap facts, within the health check', async () => {
    assert.deepEqual(await summarizeRooms({ store, now: () => new Date() }), {
      registered: 2,
      withProblems: 1,
    });
    const report = await checkHealth(storage, 2000, {
      rooms: () => summarizeRooms({ store, now: () => new Date() }),
    });
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.rooms, { registered: 2, withProblems: 1 });
    const slow = await checkHealth(storage, 300, { rooms: () => new Promise(() => undefined) });
    assert.equal(slow.status, 'ok');
    assert.equal(slow.rooms, undefined, 'left out when it takes too long');
  });
});
