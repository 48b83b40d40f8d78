import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../shared/store';
import type { SyncDeps } from '../../shared/sync';
import { LinkInProgress, syncWorkplaceChange } from '../../shared/sync';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';

const ROOM = 'room.alpha@contoso.com';

describe('sync races (real Azurite and emulators, no host)', () => {
  let world: SyncWorld;
  let store: Store;
  let deps: SyncDeps;
  before(async () => {
    world = await startSyncWorld([{ email: ROOM, workplaceRoomId: 'wp-alpha' }]);
    ({ store, deps } = world);
  });
  after(() => world.close());

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
    assert.equal(world.graph.stats().byRoute['POST /users/{user}/events'] ?? 0, 0, 'no event made');
  });
});
