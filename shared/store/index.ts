import type { StorageClients } from '../storage';
import { ConflictRepository, type ConflictRecord } from './conflicts';
import { DeltaStateRepository, type DeltaStateRecord } from './delta-state';
import { LinkRepository, type LinkRecord } from './links';
import { RoomRepository, type RoomRecord } from './rooms';
import { SubscriptionRepository, type SubscriptionRecord } from './subscriptions';
import { JsonTable } from './table';

export { ConcurrentUpdate, tableKey, type Versioned } from './table';
export type { ConflictRecord, DeltaStateRecord, LinkRecord, RoomRecord, SubscriptionRecord };
export { ConflictRepository, DeltaStateRepository, LinkRepository, RoomRepository, SubscriptionRepository };

/** Table names; one table per kind of record, so each can be read and cleared on its own. */
export const TABLES = {
  rooms: 'rooms',
  links: 'links',
  linkIndex: 'linkindex',
  subscriptions: 'subscriptions',
  deltaState: 'deltastate',
  conflicts: 'conflicts',
} as const;

export interface Store {
  rooms: RoomRepository;
  links: LinkRepository;
  subscriptions: SubscriptionRepository;
  deltaState: DeltaStateRepository;
  conflicts: ConflictRepository;
  /** Creates the tables that do not exist yet (at start-up; cheap when they do). */
  ensure(): Promise<void>;
}

export function createStore(storage: StorageClients): Store {
  const rooms = new JsonTable<RoomRecord>(storage.table(TABLES.rooms));
  const links = new JsonTable<LinkRecord>(storage.table(TABLES.links));
  const linkIndex = new JsonTable<{ linkId: string; room?: string }>(storage.table(TABLES.linkIndex));
  const subscriptions = new JsonTable<SubscriptionRecord>(storage.table(TABLES.subscriptions));
  const deltaState = new JsonTable<DeltaStateRecord>(storage.table(TABLES.deltaState));
  const conflicts = new JsonTable<ConflictRecord>(storage.table(TABLES.conflicts));
  return {
    rooms: new RoomRepository(rooms),
    links: new LinkRepository(links, linkIndex),
    subscriptions: new SubscriptionRepository(subscriptions),
    deltaState: new DeltaStateRepository(deltaState),
    conflicts: new ConflictRepository(conflicts),
    async ensure() {
      await Promise.all(
        [rooms, links, linkIndex, subscriptions, deltaState, conflicts].map((t) => t.ensure()),
      );
    },
  };
}
