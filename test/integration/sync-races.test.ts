import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { startAzurite, type RunningAzurite } from '../../local/azurite';
import { loadStorageConfig } from '../../shared/config';
import { GraphGateway, graphCredential } from '../../shared/graph';
import { createStorageClients } from '../../shared/storage';
import { createStore, type Store } from '../../shared/store';
import type { SyncDeps } from '../../shared/sync/context';
import { LinkInProgress, syncWorkplaceChange } from '../../shared/sync/run';
import { createLogger } from '../../shared/telemetry/logger';
import { WorkplaceClient } from '../../shared/workplace';

const ROOM = 'room.alpha@contoso.com';

describe('sync races (real Azurite and emulators, no host)', () => {
  let azurite: RunningAzurite;
  let graph: GraphEmulator;
  let workplace: WorkplaceEmulator;
  let store: Store;
  let deps: SyncDeps;
  before(async () => {
    [azurite, graph, workplace] = await Promise.all([
      startAzurite(),
      startGraphEmulator(),
      startWorkplaceEmulator({ port: 0 }),
    ]);
    graph.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    workplace.addRoom({ id: 'wp-alpha', name: 'Alpha', email: ROOM, timeZone: 'UTC' });
    store = createStore(
      createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString })),
    );
    await store.ensure();
    await store.rooms.save({
      email: ROOM,
      workplaceRoomId: 'wp-alpha',
      displayName: 'Alpha',
      timeZone: 'UTC',
      registeredAt: '2026-11-25T00:00:00Z',
      lastSyncAt: null,
      lastError: null,
    });
    deps = {
      store,
      graph: new GraphGateway({
        credential: graphCredential({
          kind: 'clientSecret',
          tenantId: 'contoso',
          clientId: 'roomsync',
          clientSecret: 'x',
          authorityHost: graph.url,
        }),
        baseUrl: graph.url,
      }),
      workplace: new WorkplaceClient({
        baseUrl: workplace.url,
        auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
      }),
      logger: createLogger({ level: 'error' }),
      now: () => new Date(),
      horizonDays: 365,
    };
  });
  after(async () => {
    await Promise.all([azurite.stop(), graph.stop(), workplace.stop()]);
  });

  it('a webhook for the reservation roomsync just made, arriving before its link is saved, waits instead of treating it as new', async () => {
    // The worker handling the Exchange meeting has claimed it and created the reservation, not yet its link.
    await store.links.claimICalUId('meeting-in-the-making', 'link-being-written');
    const made = await deps.workplace.createReservation(
      {
        subject: 'From Outlook',
        start: '2026-12-01T09:00:00',
        end: '2026-12-01T10:00:00',
        timeZone: 'UTC',
        responsible: { email: 'ada@contoso.com', name: 'Ada' },
        participants: [],
        lines: [{ roomId: 'wp-alpha', status: 'confirmed' }],
        recurrence: null,
        exceptions: [],
        source: 'exchange',
        externalRef: 'meeting-in-the-making',
      },
      'exchange:meeting-in-the-making',
    );
    await assert.rejects(
      syncWorkplaceChange(
        {
          v: 1,
          correlationId: 'c',
          kind: 'workplaceChange',
          reservationId: made.id,
          version: 1,
          type: 'reservation.created',
        },
        deps,
      ),
      LinkInProgress,
    );
    assert.deepEqual(await store.conflicts.forRoom(ROOM), [], 'no conflict recorded');
    assert.equal(
      (await deps.workplace.getReservation(made.id)).lines[0]?.status,
      'confirmed',
      'its line not declined',
    );
    assert.equal(graph.stats().byRoute['POST /users/{user}/events'] ?? 0, 0, 'no event made');
  });
});
